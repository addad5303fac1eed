"""Runs the real `vibe` command (as a subprocess) against a fake endpoint, in a temp repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.fake_mistral import FakeMistral

# Fast retries and a short stall detector so fault tests finish in well under a second each.
TEST_CONFIG = """
[network]
idle_timeout = 0.5
retry_base_delay = 0.01
retry_max_delay = 0.05
max_attempts = 4
"""


@dataclass
class VibeRun:
    returncode: int
    stdout: str
    stderr: str
    events: list[dict[str, Any]] = field(default_factory=list[dict[str, Any]])

    @property
    def result(self) -> dict[str, Any]:
        if self.events:
            assert self.events[-1]["type"] == "result", self.events[-1]
            return self.events[-1]
        return json.loads(self.stdout)

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["type"] == kind]


@dataclass
class VibeEnv:
    """A repository, a VIBE_HOME and an endpoint: everything one vibe invocation needs."""

    repo: Path
    home: Path
    fake: FakeMistral
    extra_env: dict[str, str] = field(default_factory=dict[str, str])
    # Put before the command, e.g. setpriv to run as another user (see support/identities.py).
    prefix: tuple[str, ...] = ()

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
        env.update(
            VIBE_HOME=str(self.home),
            VIBE_BASE_URL=self.fake.base_url,
            VIBE_MODEL="devstral-test",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def command(self, *args: str) -> list[str]:
        return [*self.prefix, sys.executable, "-m", "vibe", *args]

    def run(self, *args: str, stdin: str | None = "", timeout: float = 60) -> VibeRun:
        completed = subprocess.run(
            self.command(*args),
            cwd=self.repo,
            env=self.env(),
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        events = [json.loads(line) for line in completed.stdout.splitlines()] if "stream-json" in args else []
        return VibeRun(completed.returncode, completed.stdout, completed.stderr, events)

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            cwd=self.repo,
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def make_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root

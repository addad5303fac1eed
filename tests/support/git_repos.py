"""Real git repositories in temp dirs for the git tools' tests, with git's config isolated from
the machine's: a global config of the test's own (identity, or none), no system config."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from vibe.sandbox.base import NoSandbox, Sandbox
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace


@dataclass
class GitWorld:
    repo: Path
    home: Path
    global_config: Path
    ctx: ToolContext

    def git(self, *args: str, cwd: Path | None = None) -> str:
        done = subprocess.run(
            ["git", *args], cwd=cwd or self.repo, capture_output=True, text=True, check=True
        )
        return done.stdout

    def git_may_fail(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=self.repo, capture_output=True, text=True, check=False)

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.repo / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    def commit(self, name: str, content: str, message: str) -> str:
        self.write(name, content)
        self.git("add", name)
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def with_sandbox(self, sandbox: Sandbox) -> ToolContext:
        return replace(self.ctx, sandbox=sandbox)


def isolate_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, identity: bool = True) -> tuple[Path, Path]:
    """Point git at a HOME and a global config of this test's own; returns (home, config)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    config = home / ".gitconfig"
    lines = ["[init]\n\tdefaultBranch = main\n", "[commit]\n\tgpgSign = false\n"]
    if identity:
        lines.append("[user]\n\tname = Test User\n\temail = test@example.com\n")
    config.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for variable in (
        *("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"),
        *("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_COUNT"),
    ):
        monkeypatch.delenv(variable, raising=False)
    return home, config


def make_world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *, identity: bool = True) -> GitWorld:
    home, config = isolate_git(monkeypatch, tmp_path, identity)
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    workspace = Workspace.create(repo)
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=NoSandbox())
    return GitWorld(repo=workspace.cwd, home=home, global_config=config, ctx=ctx)


async def prepare(tool: Tool[Any], ctx: ToolContext, **arguments: Any) -> Invocation | ToolResult:
    return await tool.prepare(tool.args_model.model_validate(arguments), ctx)


async def call(tool: Tool[Any], ctx: ToolContext, **arguments: Any) -> ToolResult:
    prepared = await prepare(tool, ctx, **arguments)
    if isinstance(prepared, Invocation):
        return await prepared.execute()
    return prepared

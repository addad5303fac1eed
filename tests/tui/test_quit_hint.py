"""Leaving the terminal UI says how to come back to the conversation."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pexpect

from tools.fake_mistral import FakeMistral, reply
from tui.harness import make_env


def run_tui(tmp_path: Path, prompt: str | None) -> str:
    with FakeMistral() as fake:
        env = make_env(tmp_path, fake)
        fake.script(reply("all done here"))
        child = pexpect.spawn(
            sys.executable,
            ["-m", "vibe"],
            cwd=str(env.repo),
            env={"PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": str(tmp_path), **env.env()},
            dimensions=(30, 100),
            encoding="utf-8",
            timeout=20,
        )
        try:
            child.expect("devstral-test")
            if prompt is not None:
                child.send(prompt)
                child.send("\r")
                child.expect("all done here")
            child.sendcontrol("c")
            child.sendcontrol("c")
            child.expect(pexpect.EOF)
            tail = child.before if isinstance(child.before, str) else ""
        finally:
            child.close(force=True)
    return tail


def test_quitting_after_a_conversation_prints_how_to_resume_it(tmp_path: Path) -> None:
    tail = run_tui(tmp_path, "hello")
    sessions = list((tmp_path / "home" / "sessions").glob("*.jsonl"))
    assert len(sessions) == 1
    first = json.loads(sessions[0].read_text().splitlines()[0])
    assert f"vibe --resume {first['id']}" in tail
    assert "vibe -c" in tail


def test_quitting_before_any_prompt_prints_nothing_to_resume(tmp_path: Path) -> None:
    assert "vibe -c" not in run_tui(tmp_path, None)

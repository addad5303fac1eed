"""Leaving the terminal UI says how to come back to the conversation."""

from __future__ import annotations

import json
from pathlib import Path

import pexpect

from tools.fake_mistral import FakeMistral, reply
from tui.harness import make_env


def run_tui(tmp_path: Path, prompt: str | None) -> str:
    with FakeMistral() as fake:
        env = make_env(tmp_path, fake)
        fake.script(reply("all done here"))
        child = env.spawn_in_terminal(tmp_path, size=(30, 100))
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

"""Sessions survive concurrent runs and crashes: one writer per session, a torn tail repaired."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

WAIT_FOR_GO = "while [ ! -f go ]; do sleep 0.05; done; echo released"


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def session_file(vibe_env: VibeEnv, session_id: str) -> Path:
    return vibe_env.home / "sessions" / f"{session_id}.jsonl"


def user_prompts(path: Path) -> list[str]:
    return [
        r["message"]["content"]
        for r in records(path)
        if r["kind"] == "message" and r["message"]["role"] == "user"
    ]


def test_a_second_continue_while_the_first_runs_forks_instead_of_interleaving(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("one"))
    first = vibe_env.run("-p", "first", "--output", "json")
    original = first.result["session_id"]
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": WAIT_FOR_GO})]),  # run A waits for the test
        reply("forked answer"),  # run B
        reply("A done"),  # run A, once released
    )
    run_a = vibe_env.start("-p", "second", "-c", "--auto-approve", "--output", "json")
    try:
        vibe_env.fake.wait_for_requests(2, timeout=30)  # run 1 and A's first request: A holds the session
        run_b = vibe_env.run("-p", "third", "-c", "--output", "json")
        assert run_b.returncode == 0, run_b.stderr
        forked = run_b.result["session_id"]
        assert forked != original
        assert f"session {original} is still being written by another run" in run_b.stderr
        (vibe_env.repo / "go").touch()
        out, err = run_a.communicate(timeout=60)
    finally:
        if run_a.poll() is None:
            run_a.kill()
    assert run_a.returncode == 0, err
    assert json.loads(out)["session_id"] == original
    # The original holds runs 1 and A only, every line whole; the fork starts from what was
    # saved when B began (A's prompt and its call still running).
    assert user_prompts(session_file(vibe_env, original)) == ["first", "second"]
    fork = records(session_file(vibe_env, forked))
    assert fork[1]["kind"] == "fork" and fork[1]["forked_from"] == original
    assert [m["content"] for m in fork[1]["messages"] if m["role"] == "user"] == ["first", "second"]
    assert user_prompts(session_file(vibe_env, forked)) == ["third"]
    # B sent a valid conversation: A's unfinished call is answered, then B's prompt.
    sent = vibe_env.fake.requests[2].messages
    assert [m["content"] for m in sent if m["role"] == "user"] == ["first", "second", "third"]
    calls = [c["id"] for m in sent if m["role"] == "assistant" for c in m.get("tool_calls") or []]
    answered = [m["tool_call_id"] for m in sent if m["role"] == "tool"]
    assert calls and calls == answered


def test_a_torn_last_line_is_closed_before_appending_and_reported(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("one"))
    first = vibe_env.run("-p", "first", "--output", "json")
    path = session_file(vibe_env, first.result["session_id"])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind":"message","message":{"role":"user","cont')  # a crash mid-write
    vibe_env.fake.script(reply("two"))
    second = vibe_env.run("-p", "second", "-c")
    assert second.returncode == 0, second.stderr
    assert "skipped 1 damaged line" in second.stderr
    # The prompt of the resumed run was not glued onto the broken line: the next run sees it.
    vibe_env.fake.script(reply("three"))
    assert vibe_env.run("-p", "third", "-c").returncode == 0
    sent = [m["content"] for m in vibe_env.fake.requests[-1].messages if m["role"] == "user"]
    assert sent == ["first", "second", "third"]

"""One malformed tool call must not poison the session (issue 16).

A model glitch, or an answer cut off by its output limit, leaves a call whose arguments are not
JSON, or that has no name; a server may give two calls of one message the same id. What goes
back to the endpoint must stay valid for a strict server (here: the fake, made strict like vLLM),
the model must be told what was wrong so it can retry, and the session keeps what the model
really sent.
"""

from __future__ import annotations

import json
from typing import Any

from chaos.strict_endpoint import problems, strict
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

DONE = "Done."


def session_messages(vibe_env: VibeEnv, session_id: str) -> list[dict[str, Any]]:
    path = vibe_env.home / "sessions" / f"{session_id}.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [record["message"] for record in records if record["kind"] == "message"]


def recorded_calls(vibe_env: VibeEnv, session_id: str) -> list[dict[str, Any]]:
    return [c for m in session_messages(vibe_env, session_id) for c in m.get("tool_calls") or []]


def test_arguments_that_are_not_json_are_answered_and_never_sent_back(vibe_env: VibeEnv) -> None:
    broken = "{'pattern': '*.md'}"  # a model glitch: Python's quotes
    vibe_env.fake.script(reply(tool_calls=[call("glob", broken)]), strict(reply(DONE)))

    run = vibe_env.run("-p", "list the docs", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    assert run.result["final_text"] == DONE
    follow_up = vibe_env.fake.requests[1]
    assert problems(follow_up) == []
    [result] = follow_up.tool_results
    assert "not valid JSON" in result and "call it again" in result.lower()
    # The record keeps what the model really wrote.
    assert [c["arguments"] for c in recorded_calls(vibe_env, run.result["session_id"])] == [broken]


def test_arguments_cut_off_by_the_output_limit_say_so(vibe_env: VibeEnv) -> None:
    cut = '{"path": "notes.txt", "content": "a long text that never en'
    vibe_env.fake.script(reply(tool_calls=[call("write_file", cut)], finish="length"), strict(reply(DONE)))

    run = vibe_env.run("-p", "write the notes", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "notes.txt").exists()
    [result] = vibe_env.fake.requests[1].tool_results
    assert "cut off" in result and "output limit" in result
    assert run.of_type("tool_call_finished")[0]["status"] == "error"


def test_a_call_without_a_name_is_answered_and_sent_back_named(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("", {"pattern": "*"})]), strict(reply(DONE)))

    run = vibe_env.run("-p", "q", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    follow_up = vibe_env.fake.requests[1]
    assert problems(follow_up) == []
    [result] = follow_up.tool_results
    assert "no tool name" in result
    assert [c["name"] for c in recorded_calls(vibe_env, run.result["session_id"])] == [""]


def test_a_poisoned_session_can_be_continued(vibe_env: VibeEnv) -> None:
    """Resuming sends the repaired history too, however the session was written."""
    vibe_env.fake.script(
        reply(tool_calls=[call("glob", "{not json"), call("", "{}")], finish="length"),
        strict(reply("First done.")),
        strict(reply("Second done.")),
    )
    first = vibe_env.run("-p", "first", "--output", "json")
    assert first.returncode == 0, first.stderr

    second = vibe_env.run("-p", "second", "-c", "--output", "json")

    assert second.returncode == 0, second.stderr
    assert second.result["final_text"] == "Second done."
    assert problems(vibe_env.fake.requests[-1]) == []


def test_two_calls_with_one_id_in_a_message_stay_apart(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "a.py").write_text("a = 1\n")
    same = "dupl1cate"
    for style in ("openai", "mistral"):
        vibe_env.fake.script(
            reply(
                tool_calls=[
                    call("glob", {"pattern": "*.md"}, id=same),
                    call("glob", {"pattern": "*.py"}, id=same),
                ],
                style=style,
            ),
            strict(reply(DONE)),
        )

        run = vibe_env.run("-p", "list", "--output", "stream-json")

        assert run.returncode == 0, run.stderr
        finished = run.of_type("tool_call_finished")
        assert [f["status"] for f in finished] == ["ok", "ok"], style
        assert len({f["call_id"] for f in finished}) == 2
        follow_up = vibe_env.fake.requests[-1]
        assert problems(follow_up) == []
        assert any("README.md" in r for r in follow_up.tool_results)
        assert any("a.py" in r for r in follow_up.tool_results)

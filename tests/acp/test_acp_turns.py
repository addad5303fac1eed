"""Turns in `vibe acp`: cancelling (mid-stream and while a permission question is open), a
retried model stream, and loading a saved session."""

from __future__ import annotations

import asyncio

import pytest
from acp.exceptions import RequestError
from acp.schema import TextContentBlock, ToolCallProgress, ToolCallStart, UserMessageChunk
from editor_harness import FakeEditor, prompt_blocks, run_agent_process, set_project_mode

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, fault, reply

GOOD = "The complete, correct answer."


def patient_network(vibe_env: VibeEnv) -> None:
    """A stall the test ends by cancelling must not be retried first (TEST_CONFIG waits 0.5 s)."""
    (vibe_env.home / "config.toml").write_text("[network]\nidle_timeout = 60\n", encoding="utf-8")


async def test_cancel_mid_stream_ends_the_turn_and_the_session_goes_on(vibe_env: VibeEnv) -> None:
    patient_network(vibe_env)
    vibe_env.fake.script(fault.stall_after("Partial answ", seconds=30), reply("Back again."))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        turn = asyncio.create_task(conn.prompt(session_id=session.session_id, prompt=prompt_blocks("go")))
        await editor.wait_for(lambda: "Partial" in editor.agent_text())
        await conn.cancel(session_id=session.session_id)
        assert (await turn).stop_reason == "cancelled"

        again = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("continue"))
    assert again.stop_reason == "end_turn"
    assert editor.agent_text().endswith("Back again.")
    # The next request still carries what the user saw of the cut-short answer.
    history = vibe_env.fake.requests[1].messages
    assert any(
        "Partial answ" in str(m.get("content")) and "cut short" in str(m.get("content")) for m in history
    )


async def test_cancel_resolves_an_unanswered_permission_question(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "ask")
    vibe_env.fake.script(
        reply(tool_calls=[call("edit", {"path": "calc.py", "old_string": "a - b", "new_string": "a + b"})])
    )
    editor = FakeEditor(permission=None)  # the user never answers
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        turn = asyncio.create_task(conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix")))
        await editor.wait_for(lambda: bool(editor.permissions))
        await conn.cancel(session_id=session.session_id)
        response = await asyncio.wait_for(turn, timeout=20)

    assert response.stop_reason == "cancelled"
    assert (vibe_env.repo / "calc.py").read_text() == "def add(a, b):\n    return a - b\n"
    [start] = editor.tool_starts()
    assert editor.tool_updates(start.tool_call_id)[-1].status == "failed"
    assert len(vibe_env.fake.requests) == 1


async def test_a_retried_stream_shows_no_duplicated_text(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(fault.drop_after("The compl"), reply(GOOD))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("q"))

    assert response.stop_reason == "end_turn"
    assert len(vibe_env.fake.requests) == 2  # the stream really was retried
    assert editor.agent_text() == GOOD


async def test_load_session_replays_the_conversation_and_continues_it(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply("Looking.", tool_calls=[call("read_file", {"path": "calc.py"})]),
        reply("It subtracts.", reasoning="The user wants a review."),
    )
    first = FakeEditor()
    async with run_agent_process(vibe_env, first) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("review calc.py"))
    saved_call = first.tool_starts()[0].tool_call_id

    vibe_env.fake.script(reply("Still subtracts."))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        loaded = await conn.load_session(
            cwd=str(vibe_env.repo), session_id=session.session_id, mcp_servers=[]
        )
        replayed = list(editor.updates)
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("and now?"))

    assert loaded.modes is not None and loaded.modes.current_mode_id == "accept-edits"
    kinds = [u.session_update for u in replayed]
    assert kinds == [
        "user_message_chunk",
        "agent_message_chunk",
        "tool_call",
        "tool_call_update",
        "agent_thought_chunk",
        "agent_message_chunk",
    ]
    user, looking, tool_call, tool_result, thought, answer = replayed
    assert isinstance(user, UserMessageChunk) and isinstance(user.content, TextContentBlock)
    assert user.content.text == "review calc.py"
    assert looking.content.text == "Looking." and answer.content.text == "It subtracts."
    assert thought.content.text == "The user wants a review."
    assert isinstance(tool_call, ToolCallStart)
    assert (tool_call.tool_call_id, tool_call.kind) == (saved_call, "read")
    assert [loc.path for loc in tool_call.locations or []] == [str(vibe_env.repo / "calc.py")]
    assert isinstance(tool_result, ToolCallProgress) and tool_result.status == "completed"

    assert response.stop_reason == "end_turn"
    sent = vibe_env.fake.requests[-1].messages
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "assistant", "user"]
    assert sent[1]["content"] == "review calc.py"


async def test_an_endpoint_that_keeps_failing_fails_the_prompt_with_its_reason(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        *[fault.status(500, message="model overloaded") for _ in range(4)], reply("Recovered.")
    )
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        with pytest.raises(RequestError) as failed:
            await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("q"))
        again = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("q again"))
    assert failed.value.code == -32603
    assert "model overloaded" in str(failed.value)
    assert again.stop_reason == "end_turn"
    assert editor.agent_text() == "Recovered."


async def test_a_call_the_policy_allows_shows_running_before_it_completes(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "auto")
    vibe_env.fake.script(reply(tool_calls=[call("read_file", {"path": "calc.py"})]), reply("Read it."))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("read"))

    [start] = editor.tool_starts()
    statuses = [u.status for u in editor.tool_updates(start.tool_call_id) if u.status]
    assert statuses == ["in_progress", "completed"]
    assert not editor.permissions

"""What an editor can send or answer that a session must survive: broken unicode, a prompt
larger than the model's window, a file write the editor refuses; and the mode and model
pickers kept true when they change by another route."""

from __future__ import annotations

from typing import Any

import pytest
from acp.exceptions import RequestError
from acp.schema import ConfigOptionUpdate, CurrentModeUpdate, WriteTextFileResponse
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

HALF_EMOJI = "\ud83d"  # the first half of a UTF-16 pair, as a client cutting a string may send


async def test_unpaired_surrogates_from_the_editor_do_not_break_the_session(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": "calc.py"})]), reply("Read it."), reply("Still here.")
    )
    calc = vibe_env.repo / "calc.py"
    editor = FakeEditor(buffers={calc: f"x = '{HALF_EMOJI}'\n"})
    async with run_agent_process(vibe_env, editor, fs=True) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        first = await conn.prompt(session_id=sid, prompt=prompt_blocks(f"look {HALF_EMOJI} here 🎉"))
        second = await conn.prompt(session_id=sid, prompt=prompt_blocks("and now?"))

    assert (first.stop_reason, second.stop_reason) == ("end_turn", "end_turn")
    assert vibe_env.fake.requests[0].last_user_text == "look \ufffd here 🎉"
    assert "x = '\ufffd'" in vibe_env.fake.requests[1].tool_results[0]
    assert editor.agent_text() == "Read it.Still here."


async def test_a_prompt_larger_than_the_context_window_is_refused_and_the_session_goes_on(
    vibe_env: VibeEnv,
) -> None:
    vibe_env.fake.script(reply("Small is fine."))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        with pytest.raises(RequestError) as refused:
            await conn.prompt(session_id=sid, prompt=prompt_blocks("x" * 600_000))  # one long line
        after = await conn.prompt(session_id=sid, prompt=prompt_blocks("small"))

    assert refused.value.code == -32602
    assert "larger than the model's context window (131,072 tokens)" in str(refused.value)
    assert after.stop_reason == "end_turn"
    assert [r.last_user_text for r in vibe_env.fake.requests] == ["small"]


class RefusingEditor(FakeEditor):
    async def write_text_file(
        self, session_id: str, path: str, content: str, **kwargs: Any
    ) -> WriteTextFileResponse:
        raise RequestError(-32603, "Internal error", {"details": "the buffer is read-only"})


async def test_a_write_the_editor_refuses_is_reported_to_the_model_with_its_reason(
    vibe_env: VibeEnv,
) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "notes.md", "content": "# Notes\n"})]),
        reply("It is read-only."),
    )
    editor = RefusingEditor()
    async with run_agent_process(vibe_env, editor, fs=True) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("write notes"))

    assert response.stop_reason == "end_turn"
    [result] = vibe_env.fake.requests[1].tool_results
    assert "the editor refused to write the file: Internal error (the buffer is read-only)" in result
    [start] = editor.tool_starts()
    assert editor.tool_updates(start.tool_call_id)[-1].status == "failed"


def current(update: ConfigOptionUpdate, option_id: str) -> object:
    return next(getattr(o, "current_value", None) for o in update.config_options if o.id == option_id)


async def test_mode_and_model_changes_reach_both_pickers(vibe_env: VibeEnv) -> None:
    with (vibe_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write('\n[models.second]\nprovider = "mistral"\nid = "second-model"\n')
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/model second"))
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/mode auto"))
        await conn.set_session_mode(session_id=sid, mode_id="plan")
        await conn.set_config_option(config_id="mode", session_id=sid, value="ask")

    options = [u for u in editor.updates if isinstance(u, ConfigOptionUpdate)]
    modes = [u for u in editor.updates if isinstance(u, CurrentModeUpdate)]
    assert [(current(u, "model"), current(u, "mode")) for u in options] == [
        ("second", "accept-edits"),
        ("second", "auto"),
        ("second", "plan"),
    ]
    assert [u.current_mode_id for u in modes] == ["auto", "ask"]
    assert vibe_env.fake.requests == []

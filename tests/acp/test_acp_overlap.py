"""Requests that overlap a running turn, as editors send them: the next prompt right after
`session/cancel` (or with no cancel at all), a permission question answered "cancelled", a
session reopened while it runs, and the editor going away in the middle of a command."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, cast

import pytest
from acp.client.connection import ClientSideConnection
from acp.exceptions import RequestError
from acp.interfaces import Client
from acp.schema import ContentToolCallContent, RequestPermissionResponse, ToolCallProgress, ToolCallUpdate
from editor_harness import AGENT_COMMAND, FakeEditor, prompt_blocks, run_agent_process, set_project_mode

from support.processes import new_marker, survivors
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, fault, reply

BUGGY = "def add(a, b):\n    return a - b\n"
FIX = {"path": "calc.py", "old_string": "a - b", "new_string": "a + b"}


@dataclass
class GatedEditor(FakeEditor):
    """Answers permission questions (with `permission`) only once the test opens `gate`."""

    asked: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event = field(default_factory=asyncio.Event)

    async def request_permission(
        self, session_id: str, tool_call: ToolCallUpdate, options: list[Any], **kwargs: Any
    ) -> RequestPermissionResponse:
        self.asked.set()
        await self.gate.wait()
        return await super().request_permission(session_id, tool_call, options, **kwargs)


def patient_network(vibe_env: VibeEnv) -> None:
    """A stall the test ends by cancelling must not be retried first (TEST_CONFIG waits 0.5 s)."""
    (vibe_env.home / "config.toml").write_text("[network]\nidle_timeout = 60\n", encoding="utf-8")


async def test_a_prompt_sent_right_after_cancel_runs_once_the_cancelled_turn_ends(vibe_env: VibeEnv) -> None:
    # Zed's stop-and-send: session/cancel, then at once the next prompt, before the cancelled
    # turn has answered.
    patient_network(vibe_env)
    vibe_env.fake.script(fault.stall_after("Partial answ", seconds=30), reply("Second answer."))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        first = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("go")))
        await editor.wait_for(lambda: "Partial" in editor.agent_text())
        await conn.cancel(session_id=sid)
        second = await conn.prompt(session_id=sid, prompt=prompt_blocks("something else"))
        assert (await first).stop_reason == "cancelled"
    assert second.stop_reason == "end_turn"
    assert editor.agent_text().endswith("Second answer.")
    assert vibe_env.fake.requests[-1].last_user_text == "something else"


async def test_a_prompt_sent_during_a_turn_waits_for_it(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "ask")
    vibe_env.fake.script(reply(tool_calls=[call("edit", FIX)]), reply("First done."), reply("Second done."))
    editor = GatedEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        first = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("first")))
        await editor.asked.wait()  # the first turn is waiting for the user
        second = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("second")))
        editor.gate.set()
        responses = [await first, await second]

    assert [r.stop_reason for r in responses] == ["end_turn", "end_turn"]
    assert [r.last_user_text for r in vibe_env.fake.requests] == ["first", "first", "second"]
    assert editor.agent_text() == "First done.Second done."


async def test_cancel_also_ends_the_prompts_waiting_behind_the_turn(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "ask")
    vibe_env.fake.script(reply(tool_calls=[call("edit", FIX)]), reply("Fresh start."))
    editor = FakeEditor(permission=None)  # the user never answers
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        first = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("first")))
        await editor.wait_for(lambda: bool(editor.permissions))
        waiting = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("queued")))
        cancel = asyncio.create_task(conn.cancel(session_id=sid))  # sent after the queued prompt
        cancelled = [await first, await waiting]
        await cancel
        after = await conn.prompt(session_id=sid, prompt=prompt_blocks("after"))

    assert [r.stop_reason for r in cancelled] == ["cancelled", "cancelled"]
    assert after.stop_reason == "end_turn"
    assert [r.last_user_text for r in vibe_env.fake.requests] == ["first", "after"]
    assert (vibe_env.repo / "calc.py").read_text() == BUGGY


async def test_a_permission_answered_cancelled_ends_the_turn(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "ask")
    vibe_env.fake.script(reply(tool_calls=[call("edit", FIX)]), reply("The model goes on."))
    editor = FakeEditor(permission="cancelled")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix"))

    assert response.stop_reason == "cancelled"
    assert len(vibe_env.fake.requests) == 1  # the model was not asked again
    assert (vibe_env.repo / "calc.py").read_text() == BUGGY
    [start] = editor.tool_starts()
    assert editor.tool_updates(start.tool_call_id)[-1].status == "failed"


async def test_reopening_a_running_session_ends_its_turn_and_a_bad_reopen_changes_nothing(
    vibe_env: VibeEnv,
) -> None:
    set_project_mode(vibe_env, "ask")
    vibe_env.fake.script(reply(tool_calls=[call("edit", FIX)]), reply("Hello again."))
    editor = FakeEditor(permission=None)
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        first = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("fix")))
        await editor.wait_for(lambda: bool(editor.permissions))
        with pytest.raises(RequestError) as bad:
            await conn.load_session(cwd="relative/folder", session_id=sid, mcp_servers=[])
        assert not first.done()
        await conn.set_session_mode(session_id=sid, mode_id="ask")  # still open

        await conn.load_session(cwd=str(vibe_env.repo), session_id=sid, mcp_servers=[])
        assert (await first).stop_reason == "cancelled"
        again = await conn.prompt(session_id=sid, prompt=prompt_blocks("hello"))

    assert bad.value.code == -32602
    assert again.stop_reason == "end_turn"
    assert editor.agent_text().endswith("Hello again.")
    sent = vibe_env.fake.requests[-1].messages
    # The cancelled turn is in the reopened conversation, answered as the loop answers it.
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "tool", "assistant", "user"]


def shown_output(editor: FakeEditor) -> str:
    """The text of every tool call update the editor was sent."""
    return "".join(
        str(getattr(item.content, "text", ""))
        for update in editor.updates
        if isinstance(update, ToolCallProgress)
        for item in update.content or []
        if isinstance(item, ContentToolCallContent)
    )


async def test_the_editor_closing_the_connection_mid_command_ends_the_agent_and_the_command(
    vibe_env: VibeEnv,
) -> None:
    set_project_mode(vibe_env, "auto")
    # Says it runs once it does; the marker in its argv finds it among all processes, whatever
    # `python3` is (a shim such as pyenv's execs the real interpreter with the same arguments).
    marker = new_marker()
    code = "import time; print('run' + 'ning', flush=True); time.sleep(3000)"
    command = f'exec python3 -c "{code}" {marker}'
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": command})]))
    editor = FakeEditor()
    process = await asyncio.create_subprocess_exec(
        *AGENT_COMMAND,
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    conn = ClientSideConnection(cast(Client, editor), process.stdin, process.stdout)
    try:
        await conn.initialize(protocol_version=1)
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        turn = asyncio.create_task(conn.prompt(session_id=session.session_id, prompt=prompt_blocks("go")))
        await editor.wait_for(lambda: "running" in shown_output(editor))
        assert survivors(marker)

        process.stdin.close()  # the editor went away
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0
        assert survivors(marker) == []
        with pytest.raises(ConnectionError):
            await turn
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        for left in survivors(marker):
            left.kill()
        await conn.close()

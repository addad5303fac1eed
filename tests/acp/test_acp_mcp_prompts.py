"""MCP prompts in editor mode: offered in an `available_commands_update` sent when the server
(started in the background) has listed them, run as `/mcp__t__review args`, a missing argument
answered with one sentence, and a user command of the same name winning with one notice."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest
from acp.exceptions import RequestError
from acp.schema import EnvVariable, McpServerStdio
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.extension_files import write_command
from support.processes import readable
from support.vibe_process import VibeEnv
from tools.fake_mistral import reply

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


def offered(editor: FakeEditor) -> dict[str, object]:
    updates = editor.of_kind("available_commands_update")
    return {command.name: command for command in updates[-1].available_commands} if updates else {}


async def test_prompts_are_offered_once_the_server_lists_them_and_run(vibe_env: VibeEnv) -> None:
    mine = write_command(vibe_env.home / "commands", "mcp__t__picture", "my own picture")
    vibe_env.fake.script(reply("reviewed"), reply("mine"))
    editor = FakeEditor()
    server = McpServerStdio(name="t", command=sys.executable, args=[SERVER], env=[])
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[server])
        sid = session.session_id
        await editor.wait_for(lambda: "mcp__t__review" in offered(editor))
        review = offered(editor)["mcp__t__review"]
        assert review.description == "Review a file."  # type: ignore[attr-defined]
        assert review.input.root.hint == "<path> [focus]"  # type: ignore[attr-defined]

        await conn.prompt(session_id=sid, prompt=prompt_blocks("/mcp__t__review calc.py naming"))
        assert vibe_env.fake.requests[0].last_user_text == "Please review calc.py, looking at naming."

        with pytest.raises(RequestError) as refused:
            await conn.prompt(session_id=sid, prompt=prompt_blocks("/mcp__t__review"))
        assert "/mcp__t__review needs the argument 'path'" in str(refused.value.data or refused.value)
        assert len(vibe_env.fake.requests) == 1

        # The user's command keeps its name; the prompt that lost it is named once.
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/mcp__t__picture"))
        assert vibe_env.fake.requests[1].last_user_text == "my own picture"
        told = [
            str(start.title)
            for start in editor.tool_starts()
            if "the MCP prompt /mcp__t__picture is ignored" in str(start.title)
        ]
        assert len(told) == 1 and str(mine) in told[0]


async def test_cancel_ends_a_prompt_waiting_for_its_mcp_server(vibe_env: VibeEnv) -> None:
    editor = FakeEditor()
    signal = vibe_env.repo / "stalled.fifo"  # in the workspace: the server's sandbox may write it
    os.mkfifo(signal)
    reader = os.open(signal, os.O_RDONLY | os.O_NONBLOCK)
    env = [EnvVariable(name="STALL_SIGNAL", value=str(signal))]
    server = McpServerStdio(name="t", command=sys.executable, args=[SERVER, "--stalling-prompt"], env=env)
    try:
        async with run_agent_process(vibe_env, editor) as (conn, _process):
            session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[server])
            sid = session.session_id
            await editor.wait_for(lambda: "mcp__t__stall" in offered(editor))
            waiting = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("/mcp__t__stall")))
            await asyncio.wait_for(readable(reader), 20)  # the server has the request
            await conn.cancel(session_id=sid)
            answered = await asyncio.wait_for(waiting, 10)  # not the call's own timeout
            assert answered.stop_reason == "cancelled"
            assert vibe_env.fake.requests == []  # nothing went to the model
    finally:
        os.close(reader)

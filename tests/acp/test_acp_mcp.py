"""MCP servers an editor passes in session/new and session/load: started for that session,
confined like configured ones, their tools asked for through the editor, a dying server one
notice of its own, `/mcp` and `/mcp restart` answered in the conversation, no server left behind."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from acp.schema import EnvVariable, McpServerStdio, ToolCallStart
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.processes import all_exited, children, still_running, survivors
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


def editor_server(name: str = "t", *extra: str) -> McpServerStdio:
    secret = EnvVariable(name="VIBE_TEST_SECRET", value="from-the-editor")
    return McpServerStdio(name=name, command=sys.executable, args=[SERVER, *extra], env=[secret])


def tool_answer(vibe_env: VibeEnv, request: int) -> str:
    messages = vibe_env.fake.requests[request].messages
    return next(m["content"] for m in reversed(messages) if m.get("role") == "tool")


def notices(editor: FakeEditor) -> list[ToolCallStart]:
    return [start for start in editor.tool_starts() if start.tool_call_id.startswith("mcp-server-")]


async def test_an_editor_server_is_listed_asked_for_called_and_confined(vibe_env: VibeEnv) -> None:
    outside = vibe_env.repo.parent / "outside.txt"
    vibe_env.fake.script(
        reply(tool_calls=[call("mcp__t__environment", {})]),
        reply(tool_calls=[call("mcp__t__write", {"path": str(outside), "text": "x"})]),
        reply("done"),
    )
    editor = FakeEditor(permission="allow-once")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[editor_server()])
        sid = session.session_id
        listed = await _wait_ready(conn, editor, sid)
        await conn.prompt(session_id=sid, prompt=prompt_blocks("use the server"))
        servers = survivors(SERVER)
    assert "t (stdio from the editor): ready" in listed and "confinement:" in listed
    offered = {tool["function"]["name"] for tool in vibe_env.fake.requests[0].tools}
    assert {"mcp__t__echo", "mcp__t__write"} <= offered
    # Asked through the editor, like any call that acts outside vibe's sandbox.
    assert str(editor.permissions[0].tool_call.title).startswith("t: environment")
    seen = tool_answer(vibe_env, 1)
    assert "SECRET=from-the-editor" in seen and f"HOME={vibe_env.home / 'mcp' / 't'} " in seen
    assert tool_answer(vibe_env, 2).startswith("refused") and not outside.exists()
    assert servers and not still_running(servers)  # none outlives the connection


async def test_a_rejected_mcp_call_does_not_run(vibe_env: VibeEnv) -> None:
    made = vibe_env.repo / "made-by-mcp.txt"
    vibe_env.fake.script(
        reply(tool_calls=[call("mcp__t__write", {"path": str(made), "text": "x"})]), reply("ok")
    )
    editor = FakeEditor(permission="reject-once")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[editor_server()])
        await _wait_ready(conn, editor, session.session_id)
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("write"))
    assert len(editor.permissions) == 1
    assert not made.exists()
    assert "rejected" in tool_answer(vibe_env, 1).lower()


async def test_a_server_that_dies_is_one_notice_and_mcp_restart_brings_it_back(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("mcp__t__crash", {})]), reply("it crashed"))
    editor = FakeEditor(permission="allow-once")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[editor_server()])
        sid = session.session_id
        await _wait_ready(conn, editor, sid)
        await conn.prompt(session_id=sid, prompt=prompt_blocks("crash it"))
        await editor.wait_for(lambda: bool(notices(editor)))
        before = editor.agent_text()
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/mcp"))
        failed = editor.agent_text()[len(before) :]
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/mcp restart t"))
        restarted = editor.agent_text()[len(before) + len(failed) :]
    (notice,) = notices(editor)
    assert notice.status == "failed"
    assert notice.title.startswith("MCP server 't' stopped: it exited")
    assert "t (stdio from the editor): failed (it exited" in failed
    assert restarted == "MCP server 't' is ready again: 8 tools"


async def test_a_server_that_hangs_at_start_is_a_notice_and_the_session_goes_on(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("hello"))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        hanging = editor_server("slow", "--hang-at-start")
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[hanging])
        # An editor server's startup_timeout is the default, 10 s.
        await editor.wait_for(lambda: bool(notices(editor)), timeout=30)
        answered = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("hi"))
    (notice,) = notices(editor)
    assert notice.title == "MCP server 'slow' is not available: no answer within 10 seconds"
    assert answered.stop_reason == "end_turn" and editor.agent_text().endswith("hello")


async def test_load_session_starts_the_editor_servers_after_the_replay(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("first answer"), reply("second answer"))
    first = FakeEditor()
    async with run_agent_process(vibe_env, first) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("hi"))
    editor = FakeEditor()
    broken = McpServerStdio(name="broken one", command="/nonexistent/server", args=[], env=[])
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        await conn.load_session(
            cwd=str(vibe_env.repo), session_id=session.session_id, mcp_servers=[broken, editor_server()]
        )
        await editor.wait_for(lambda: bool(notices(editor)))
        replayed = editor.agent_text()
        listed = await _wait_ready(conn, editor, session.session_id)
    # The replayed answer is untouched; the notice is an entry of its own, after it.
    assert replayed == "first answer"
    (notice,) = notices(editor)
    assert notice.title.startswith("MCP server 'broken_one' is not available:")
    assert "/nonexistent/server" in notice.title
    kinds = [update.session_update for update in editor.updates]
    assert kinds.index("agent_message_chunk") < editor.updates.index(notice)
    assert "t (stdio from the editor): ready" in listed


async def _wait_ready(conn: Any, editor: FakeEditor, sid: str) -> str:
    """`/mcp`'s answer once server t has started (servers start in the background; each
    `/mcp` is a round trip to the agent, so this polls at the pace the agent answers)."""
    while True:
        before = editor.agent_text()
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/mcp"))
        answer = editor.agent_text()[len(before) :]
        if "t (stdio from the editor): starting" not in answer:
            return answer


async def test_killing_vibe_leaves_no_server_and_no_mcp_client_process(vibe_env: VibeEnv) -> None:
    editor = FakeEditor(permission="allow-once")
    async with run_agent_process(vibe_env, editor) as (conn, process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[editor_server()])
        await _wait_ready(conn, editor, session.session_id)
        servers, clients = survivors(SERVER), children(process.pid, "vibe.tools.mcp.host")
        assert servers and len(clients) == 1
        process.kill()  # no chance to stop anything: the kernel and the pipes do it
        await process.wait()
    await asyncio.wait_for(all_exited([*servers, *clients]), 20)


async def test_configured_servers_start_after_the_answer_and_keep_their_names(vibe_env: VibeEnv) -> None:
    with (vibe_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write(
            f"\n[mcp_servers.t]\ncommand = {json.dumps(sys.executable)}\nargs = [{json.dumps(SERVER)}]\n"
        )
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[editor_server("t")])
        await editor.wait_for(lambda: bool(notices(editor)))
        listed = ""
        while "t (stdio): ready" not in listed:  # each /mcp a round trip, as in _wait_ready
            before = editor.agent_text()
            await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("/mcp"))
            listed = editor.agent_text()[len(before) :]
    (notice,) = notices(editor)
    assert (
        str(notice.title)
        == "MCP server 't' from the editor was not started: config.toml has a server of that name"
    )
    assert "from the editor" not in listed  # the configured one runs, the editor's does not

"""Custom agents in editor mode: the session's `agent` config option (modes stay permission modes)."""

from __future__ import annotations

from typing import Any

import pytest
from acp.exceptions import RequestError
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv
from tools.fake_mistral import reply

REPO_AGENT = "---\nname: repo-agent\ndescription: From the repository.\n---\nRepository instructions.\n"


def _option(options: Any, option_id: str) -> Any:
    return next(option for option in options if getattr(option, "id", None) == option_id)


async def test_the_agent_option_switches_the_agent_and_its_mode_ceiling(vibe_env: VibeEnv) -> None:
    folder = vibe_env.repo / ".vibe" / "agents"
    folder.mkdir(parents=True)
    (folder / "repo-agent.md").write_text(REPO_AGENT)
    vibe_env.fake.script(reply("reviewed"))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        switched = await conn.set_config_option(config_id="agent", session_id=sid, value="review")
        answered = await conn.prompt(session_id=sid, prompt=prompt_blocks("review it"))
        with pytest.raises(RequestError):
            await conn.set_config_option(config_id="agent", session_id=sid, value="repo-agent")
        await editor.wait_for(lambda: bool(editor.of_kind("current_mode_update")))

    offered = _option(session.config_options, "agent")
    assert offered.current_value == "default"
    assert [choice.value for choice in offered.options] == ["default", "plan", "review"]  # not the repo's
    assert session.modes is not None and "review" not in [m.id for m in session.modes.available_modes]
    assert _option(switched.config_options, "agent").current_value == "review"
    assert _option(switched.config_options, "mode").current_value == "plan"  # the review agent's ceiling
    assert editor.of_kind("current_mode_update")[-1].current_mode_id == "plan"
    assert answered.stop_reason == "end_turn"
    [request] = vibe_env.fake.requests
    assert "Working as the agent `review`" in request.body["messages"][0]["content"]
    assert "write_file" not in {tool["function"]["name"] for tool in request.body["tools"]}


async def test_a_subagents_calls_are_tool_calls_that_name_their_task(vibe_env: VibeEnv) -> None:
    from acp.schema import ToolCallStart

    from tools.fake_mistral import call

    task = call("task", {"prompt": "read the readme", "description": "readme"})
    vibe_env.fake.script(
        reply(tool_calls=[task]),
        reply(tool_calls=[call("read_file", {"path": "README.md"})]),
        reply("it says demo"),
        reply("done"),
    )
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        answered = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("delegate"))
    assert answered.stop_reason == "end_turn"
    starts = [update for update in editor.updates if isinstance(update, ToolCallStart)]
    assert [start.tool_call_id for start in starts] == [task.id, starts[1].tool_call_id]
    nested = starts[1]
    assert nested.tool_call_id.startswith(task.id + ".") and nested.title.startswith("↳ ")
    assert nested.field_meta == {"parentToolCallId": task.id}
    assert starts[0].field_meta is None
    assert editor.tool_updates(nested.tool_call_id)[-1].status == "completed"


async def test_session_load_restores_the_agent_and_reports_it_in_the_option(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("looked"), reply("again"))
    async with run_agent_process(vibe_env, FakeEditor()) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        await conn.set_config_option(config_id="agent", session_id=sid, value="review")
        await conn.prompt(session_id=sid, prompt=prompt_blocks("look"))
    async with run_agent_process(vibe_env, FakeEditor()) as (conn, _process):
        loaded = await conn.load_session(cwd=str(vibe_env.repo), session_id=sid, mcp_servers=[])
        await conn.prompt(session_id=sid, prompt=prompt_blocks("look again"))
    assert _option(loaded.config_options, "agent").current_value == "review"
    assert _option(loaded.config_options, "mode").current_value == "plan"
    assert "Working as the agent `review`" in vibe_env.fake.requests[-1].body["messages"][0]["content"]

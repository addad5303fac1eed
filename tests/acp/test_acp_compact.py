"""/compact in editor mode: offered as a command, run as a turn, and a loaded compacted session
replays a note in place of the summary written for the model."""

from __future__ import annotations

from typing import Any

from acp.schema import AgentMessageChunk, TextContentBlock, UserMessageChunk
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv
from tools.fake_mistral import reply


def texts(updates: list[Any], kind: type[UserMessageChunk] | type[AgentMessageChunk]) -> list[str]:
    chunks = [u for u in updates if isinstance(u, kind)]
    return [c.content.text for c in chunks if isinstance(c.content, TextContentBlock)]


async def test_compact_is_offered_runs_as_a_turn_and_replays_as_a_note(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply("calc.py subtracts."),
        reply("## Task\nreview calc.py\n## Next steps\nfix add"),
        reply("Fixed."),
    )
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await editor.wait_for(lambda: bool(editor.of_kind("available_commands_update")))
        [commands] = editor.of_kind("available_commands_update")
        assert "compact" in [c.name for c in commands.available_commands]
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("review calc.py"))
        compacted = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("/compact the fix"))
        assert compacted.stop_reason == "end_turn"
        assert "conversation compacted" in editor.agent_text()
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix it"))

    summary_request, turn = vibe_env.fake.requests[1], vibe_env.fake.requests[2]
    assert "tools" not in summary_request.body
    assert "focus on: the fix" in str(summary_request.messages[-1]["content"])
    assert str(turn.messages[1]["content"]).startswith("[conversation summary]")

    loaded_editor = FakeEditor()
    async with run_agent_process(vibe_env, loaded_editor) as (conn, _process):
        await conn.load_session(cwd=str(vibe_env.repo), session_id=session.session_id, mcp_servers=[])
        replayed = list(loaded_editor.updates)

    users = texts(replayed, UserMessageChunk)
    answers = texts(replayed, AgentMessageChunk)
    assert users == ["fix it"]
    assert any("earlier conversation summarised" in a for a in answers)
    assert "calc.py subtracts." in answers and "Fixed." in answers
    assert not [a for a in answers if a.startswith("Understood")]
    assert not [u for u in users if "[conversation summary]" in u]

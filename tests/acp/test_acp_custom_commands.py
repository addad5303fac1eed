"""Custom commands and skills in editor mode: offered in `available_commands_update` with their
description and hint, a repository's only after /trust, expanded into the prompt that is sent
(the editor is told which command ran), clashes written to the log, and the skill tool."""

from __future__ import annotations

from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.extension_files import write_command, write_skill
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def offered(editor: FakeEditor) -> dict[str, object]:
    latest = editor.of_kind("available_commands_update")[-1]
    return {command.name: command for command in latest.available_commands}


async def test_commands_are_offered_expanded_and_a_repository_s_wait_for_trust(vibe_env: VibeEnv) -> None:
    write_command(
        vibe_env.home / "commands", "review", "Review $1 please", description="Review a file", hint="FILE"
    )
    write_command(vibe_env.home / "commands", "model", "shadowed by the built-in")
    write_command(vibe_env.repo / ".vibe" / "commands", "deploy", "Deploy $ARGUMENTS")
    vibe_env.fake.script(reply("reviewed"), reply("as typed"), reply("deployed"))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        await editor.wait_for(lambda: bool(editor.of_kind("available_commands_update")))
        commands = offered(editor)
        review = commands["review"]
        assert review.description == "Review a file"  # type: ignore[attr-defined]
        assert review.input.root.hint == "FILE"  # type: ignore[attr-defined]
        assert "deploy" not in commands  # the folder is not trusted yet
        assert list(commands).count("model") == 1

        await conn.prompt(session_id=sid, prompt=prompt_blocks("/review calc.py"))
        assert vibe_env.fake.requests[0].last_user_text == "Review calc.py please"
        thoughts = [u.content.text for u in editor.of_kind("agent_thought_chunk")]
        assert any("▸ /review: your command" in text for text in thoughts)

        await conn.prompt(session_id=sid, prompt=prompt_blocks("/deploy prod"))
        assert vibe_env.fake.requests[1].last_user_text == "/deploy prod"

        await conn.prompt(session_id=sid, prompt=prompt_blocks("/trust"))
        await editor.wait_for(lambda: "deploy" in offered(editor))
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/deploy prod"))
        assert vibe_env.fake.requests[-1].last_user_text == "Deploy prod"
    log = (vibe_env.home / "logs" / "vibe.log").read_text(encoding="utf-8")
    assert "your command /model" in log and "is a built-in command" in log


async def test_the_skill_tool_in_an_editor_session(vibe_env: VibeEnv) -> None:
    write_skill(
        vibe_env.home / "skills", "calc-fixes", "Fixing calc.py; use for arithmetic bugs.", "Add tests."
    )
    vibe_env.fake.script(reply(tool_calls=[call("skill", {"name": "calc-fixes"})]), reply("loaded"))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix calc"))
    first, second = vibe_env.fake.requests
    assert "skill" in first.tool_names and "- calc-fixes: Fixing calc.py" in first.messages[0]["content"]
    assert "Add tests." in second.tool_results[0]
    assert editor.permissions == []  # read-only: nothing asked

"""/rewind in editor mode: an available command whose answers list the prompts, say what would
change, and (with `yes`) take back the files, the conversation, or both."""

from __future__ import annotations

import json

from editor_harness import FakeEditor, prompt_blocks, run_agent_process, set_project_mode

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


async def test_rewind_lists_plans_and_rewinds_in_an_editor(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "auto")
    notes = vibe_env.repo / "notes.txt"
    notes.write_text("before\n", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "one\n"})]),
        reply("did one"),
        reply(tool_calls=[call("write_file", {"path": "extra.txt", "content": "two\n"})]),
        reply("did two"),
        reply("from the start"),
    )
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        await editor.wait_for(lambda: bool(editor.of_kind("available_commands_update")))
        [commands] = editor.of_kind("available_commands_update")
        assert "rewind" in [c.name for c in commands.available_commands]
        await conn.prompt(session_id=sid, prompt=prompt_blocks("write one"))
        await conn.prompt(session_id=sid, prompt=prompt_blocks("write two"))

        start = len(editor.agent_text())
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/rewind"))
        listed = editor.agent_text()[start:]
        assert "1. write one (checkpoint `" in listed and "2. write two" in listed
        assert "1 file(s) changed" in listed

        start = len(editor.agent_text())
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/rewind 2 files"))
        planned = editor.agent_text()[start:]
        assert "- delete `extra.txt`" in planned and "/rewind 2 files yes" in planned
        assert "forgotten" not in planned, "files only: the conversation stays"
        assert (vibe_env.repo / "extra.txt").exists(), "asking changes nothing"

        await conn.prompt(session_id=sid, prompt=prompt_blocks("/rewind 2 files yes"))
        assert not (vibe_env.repo / "extra.txt").exists() and notes.read_text() == "one\n"

        start = len(editor.agent_text())
        await conn.prompt(session_id=sid, prompt=prompt_blocks("/rewind 1 yes"))
        done = editor.agent_text()[start:]
        assert "restored 1 file(s)" in done and "back to before prompt 1" in done
        assert notes.read_text() == "before\n"

        await conn.prompt(session_id=sid, prompt=prompt_blocks("start over"))

    sent = [m["content"] for m in vibe_env.fake.requests[-1].messages if m["role"] == "user"]
    assert sent == ["start over"], "the agent continues from before prompt 1"
    session_file = vibe_env.home / "sessions" / f"{sid}.jsonl"
    kinds = [json.loads(line)["kind"] for line in session_file.read_text().splitlines()]
    assert kinds.count("checkpoint_restored") == 2 and "retract" in kinds
    audit = [json.loads(line) for line in (vibe_env.home / "audit.jsonl").read_text().splitlines()]
    assert [line["action"] for line in audit if line.get("event") == "checkpoint_restored"] == [
        "rewind",
        "rewind",
    ]

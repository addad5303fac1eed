"""Editor mode refuses a change to repository metadata without asking the editor, which may
answer for the user (a remembered "always allow"), and tells the model why."""

from __future__ import annotations

from editor_harness import FakeEditor, prompt_blocks, run_agent_process, set_project_mode

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


async def test_a_protected_write_is_refused_without_asking_the_editor(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "auto")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": ".git/hooks/pre-commit", "content": "#!/bin/sh\n"})]),
        reply(tool_calls=[call("write_file", {"path": "notes.md", "content": "# Notes\n"})]),
        reply("Understood."),
    )
    editor = FakeEditor(permission="allow-always")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("add a hook"))

    assert response.stop_reason == "end_turn"
    assert editor.permissions == []
    assert not (vibe_env.repo / ".git" / "hooks" / "pre-commit").exists()
    assert (vibe_env.repo / "notes.md").read_text() == "# Notes\n"  # ordinary writes still run
    refusal = vibe_env.fake.requests[1].tool_results[0]
    assert refusal.startswith("Denied: write_file would change .git/hooks/pre-commit")
    assert "editor mode refuses such changes" in refusal

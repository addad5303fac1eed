"""Hooks in editor mode: what a hook said reaches the editor as a thought line."""

from __future__ import annotations

from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import TEST_CONFIG, VibeEnv
from tools.fake_mistral import reply


async def test_a_hook_that_refuses_a_prompt_is_shown_to_the_editor(vibe_env: VibeEnv) -> None:
    config = (
        TEST_CONFIG + '[[hooks]]\nevent = "user_prompt"\ncommand = "echo no prompts after six >&2; exit 2"\n'
    )
    (vibe_env.home / "config.toml").write_text(config, encoding="utf-8")
    vibe_env.fake.script(reply("never sent"))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        answer = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("hello"))
        assert answer.stop_reason == "refusal"
    thoughts = "".join(
        u.content.text for u in editor.of_kind("agent_thought_chunk") if hasattr(u.content, "text")
    )
    assert "hook user_prompt" in thoughts and "deny: no prompts after six" in thoughts
    assert not vibe_env.fake.requests

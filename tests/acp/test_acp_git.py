"""git_commit through `vibe acp`: the editor's permission request shows the message and the
staged diff, and the commit happens only when the editor allows it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from acp.schema import ContentToolCallContent, TextContentBlock
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

COMMIT = {"message": "Fix add", "paths": ["calc.py"]}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def with_identity(vibe_env: VibeEnv, tmp_path: Path) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Editor User\n\temail = editor@example.com\n")
    vibe_env.extra_env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")


@pytest.mark.parametrize("answer", ["allow-once", "reject-once"])
async def test_the_editor_is_asked_with_the_message_and_the_staged_diff(
    vibe_env: VibeEnv, tmp_path: Path, answer: str
) -> None:
    with_identity(vibe_env, tmp_path)
    branch = git(vibe_env.repo, "symbolic-ref", "--short", "HEAD").strip()
    (vibe_env.repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    vibe_env.fake.script(reply(tool_calls=[call("git_commit", COMMIT)]), reply("Done."))
    editor = FakeEditor(permission=answer)
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("commit"))

    assert response.stop_reason == "end_turn"
    [asked] = editor.permissions
    assert (asked.tool_call.title, asked.tool_call.raw_input) == (f"Commit to {branch}: Fix add", COMMIT)
    [content] = asked.tool_call.content or []
    assert isinstance(content, ContentToolCallContent) and isinstance(content.content, TextContentBlock)
    shown = content.content.text
    assert f"Commit to {branch} with the message:" in shown and "    Fix add" in shown
    assert "+    return a + b" in shown
    expected = "Editor User|Fix add" if answer == "allow-once" else ""  # rejected: no commit at all
    assert git(vibe_env.repo, "log", "--all", "--format=%an|%s").strip() == expected

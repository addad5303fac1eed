"""`@file` and `@folder` in a headless prompt: attached as context before the run starts and
saved with the prompt in the session; `@nonexistent` and `@../outside` stay as typed."""

from __future__ import annotations

from typing import Any

from support.vibe_process import VibeEnv
from tools.fake_mistral import reply


def user_contents(messages: list[Any]) -> list[Any]:
    return [message["content"] for message in messages if message["role"] == "user"]


def test_files_and_folders_are_attached_and_the_session_keeps_them(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "src").mkdir()
    (vibe_env.repo / "src" / "app.py").write_text("def main():\n    return 42\n")
    (vibe_env.repo.parent / "outside.txt").write_text("not yours\n")
    vibe_env.fake.script(reply("It returns 42."), reply("Still 42."))
    prompt = "what do @src/app.py and @src/ do? not @nothing.py nor @../outside.txt"

    run = vibe_env.run("-p", prompt, "--output", "json")

    assert run.returncode == 0, run.stderr
    assert "vibe: attached @src/app.py (2 lines)" in run.stderr
    assert "vibe: attached @src/ (outline)" in run.stderr
    (content,) = user_contents(vibe_env.fake.requests[0].messages)
    typed, file_block, folder_block = content.split("\n\n")
    assert typed == prompt
    assert file_block == '<context source="src/app.py">\ndef main():\n    return 42\n</context>'
    assert folder_block.startswith('<context source="src/" kind="outline">') and "def main()" in folder_block
    assert "not yours" not in content

    again = vibe_env.run("-p", "and now?", "--resume", str(run.result["session_id"]), "--output", "json")
    assert again.returncode == 0, again.stderr
    assert user_contents(vibe_env.fake.requests[1].messages)[0] == content  # saved as it was sent

"""`@file` and `@folder` in the TUI: attached as context, named in the transcript, saved with the
prompt; `@nonexistent` and `@../outside` stay as typed."""

from __future__ import annotations

from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, notices, send, wait_idle


async def test_a_file_and_a_folder_are_attached_and_other_mentions_stay_text(tui_env: TuiEnv) -> None:
    (tui_env.repo / "src").mkdir()
    (tui_env.repo / "src" / "app.py").write_text("def main():\n    return 42\n")
    (tui_env.repo.parent / "outside.txt").write_text("not yours\n")
    tui_env.fake.script(reply("It returns 42."))
    app = tui_env.app()
    prompt = "what do @src/app.py and @src do? not @nothing.py nor @../outside.txt"
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, prompt)
        await wait_idle(pilot)
        attached = [n for n in notices(app) if n.startswith("attached ")]
        assert attached == ["attached @src/app.py (2 lines)", "attached @src (outline)"]
    (request,) = tui_env.fake.requests
    content = next(m["content"] for m in request.messages if m["role"] == "user")
    typed, file_block, folder_block = content.split("\n\n")
    assert typed == prompt
    assert file_block == '<context source="src/app.py">\ndef main():\n    return 42\n</context>'
    assert folder_block.startswith('<context source="src/" kind="outline">') and "def main()" in folder_block
    assert "not yours" not in content

"""Repository metadata in the TUI: a file tool's change to it asks every time and is allowed once
at most, even with --auto-approve and in auto mode; a `!command` that plants a repository is
told it was renamed aside."""

from __future__ import annotations

from textual.widgets import OptionList

from tools.fake_mistral import ToolCallSpec, call, reply
from tui.harness import SIZE, TuiEnv, send, wait_for, wait_idle
from vibe.tui.approval import ApprovalScreen
from vibe.tui.tool_card import ToolCard

HOOK = ".git/hooks/pre-commit"


def write_hook(content: str) -> ToolCallSpec:
    return call("write_file", {"path": HOOK, "content": content})


async def test_a_protected_write_asks_each_time_and_offers_only_once_or_deny(tui_env: TuiEnv) -> None:
    tui_env.fake.script(
        reply(tool_calls=[write_hook("#!/bin/sh\necho one\n")]),
        reply(tool_calls=[write_hook("#!/bin/sh\necho two\n")]),
        reply("done"),
    )
    app = tui_env.app("--auto-approve", "--permission-mode", "auto")
    hook = tui_env.repo / HOOK
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "install the hook")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        screen = app.screen
        assert isinstance(screen, ApprovalScreen) and screen.request.protected
        choices = screen.query_one(OptionList)
        assert [choices.get_option_at_index(i).id for i in range(choices.option_count)] == ["once", "deny"]
        await pilot.press("a")  # "always allow" is not on offer: nothing happens
        await pilot.press("s")
        assert app.screen is screen and not hook.exists()
        await pilot.press("1")
        # The second write asks again: allowing once kept nothing.
        await wait_for(pilot, lambda: _another_approval(app.screen, screen))
        assert hook.read_text() == "#!/bin/sh\necho one\n"
        await pilot.press("4")
        await wait_idle(pilot)
        assert hook.read_text() == "#!/bin/sh\necho one\n"


def _another_approval(current: object, first: ApprovalScreen) -> bool:
    return isinstance(current, ApprovalScreen) and current is not first


async def test_a_bang_command_that_plants_a_repository_is_told_it_was_renamed(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "!git init -q vendor/lib")
        await wait_for(pilot, lambda: app.query(ToolCard) and app.query_one(ToolCard).status != "running")
        body = str(app.query_one(ToolCard).query_one(".tool-body").render())
    assert "vendor/lib/.git" in body and "renamed" in body
    assert not (tui_env.repo / "vendor" / "lib" / ".git").exists()

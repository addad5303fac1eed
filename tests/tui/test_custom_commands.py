"""Custom commands and skills in the terminal UI: completion and /help show them with their
description and argument hint, running one sends its expansion and says which command ran, a
repository's wait for trust, and a dropped name or broken file is told once."""

from __future__ import annotations

from support.extension_files import write_command, write_skill
from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, notices, send, users, wait_for, wait_idle
from tui.test_commands import menu_items
from vibe.tui.trust import TrustScreen


async def test_a_custom_command_completes_runs_and_is_announced(tui_env: TuiEnv) -> None:
    path = write_command(
        tui_env.home / "commands", "review", "Review $1 please", description="Review a file", hint="FILE"
    )
    write_skill(tui_env.home / "skills", "release-notes", "Write release notes.", "Notes for $ARGUMENTS")
    tui_env.fake.script(reply("reviewed"), reply("noted"))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.press("/", "r", "e")
        assert menu_items(app) == ["/resume", "/redo", "/rewind", "/review", "/release-notes"]
        app.prompt.clear()
        await send(pilot, "/help")
        await wait_for(pilot, lambda: any("Your commands and skills" in n for n in notices(app)))
        shown = next(n for n in notices(app) if "Your commands and skills" in n)
        assert "/review   Review a file [FILE] (user)" in shown
        assert "Write release notes. (skill)" in shown
        await send(pilot, "/review app.py")
        await wait_idle(pilot)
        assert tui_env.fake.requests[0].last_user_text == "Review app.py please"
        assert users(app)[-1] == "/review app.py"  # what the user typed stays on screen
        assert f"▸ /review: your command ({path})" in notices(app)
        await send(pilot, "/release-notes v2")
        await wait_idle(pilot)
        sent = tui_env.fake.requests[1].last_user_text
        assert sent.startswith("Notes for v2") and "release-notes" in sent


async def test_a_repository_command_waits_for_trust_and_clashes_are_told_once(tui_env: TuiEnv) -> None:
    write_command(tui_env.home / "commands", "check", "the user's check")
    write_command(tui_env.repo / ".vibe" / "commands", "check", "the repository's check")
    write_command(tui_env.repo / ".vibe" / "commands", "deploy", "Deploy it")
    broken = tui_env.home / "commands" / "bad.md"
    broken.write_text("---\n: [\n---\nx\n", encoding="utf-8")
    tui_env.fake.script(reply("as typed"))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
        await pilot.press("n")  # not now: the repository's commands stay inert
        await wait_for(pilot, lambda: app.conversation is not None)
        assert any(str(broken) in n for n in notices(app))
        await send(pilot, "/deploy")
        await wait_for(pilot, lambda: any("unknown command /deploy" in n for n in notices(app)))
        assert tui_env.fake.requests == []
    trusted = tui_env.app()
    async with trusted.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(trusted.screen, TrustScreen))
        await pilot.press("t")
        await wait_for(pilot, lambda: trusted.conversation is not None)
        await send(pilot, "/deploy")
        await wait_idle(pilot)
        assert tui_env.fake.requests[0].last_user_text == "Deploy it"
        clashes = [n for n in notices(trusted) if "the repository's command /check" in n]
        assert len(clashes) == 1 and "is ignored: your command /check" in clashes[0]
        await send(pilot, "/new")
        await wait_for(pilot, lambda: any("new conversation" in n for n in notices(trusted)))
        assert not any("is ignored" in n for n in notices(trusted))  # told once, not per conversation

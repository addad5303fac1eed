"""The trust prompt: a repository whose .vibe/ loosens vibe asks once, before the first
conversation; its settings apply only when the user trusts the folder."""

from __future__ import annotations

from tui.harness import SIZE, TuiEnv, notices, wait_for
from vibe.tui.trust import TrustScreen


def loosening_project(tui_env: TuiEnv) -> None:
    (tui_env.repo / ".vibe").mkdir(exist_ok=True)
    (tui_env.repo / ".vibe" / "config.toml").write_text('permission_mode = "auto"\n')


async def test_trusting_the_folder_applies_its_settings_and_remembers_it(tui_env: TuiEnv) -> None:
    loosening_project(tui_env)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
        assert app.conversation is None  # nothing opens before the user has answered
        screen = app.screen
        assert isinstance(screen, TrustScreen) and 'permission_mode = "auto"' in screen.question.keys
        await pilot.press("t")
        await wait_for(pilot, lambda: app.conversation is not None)
        assert app.conversation is not None and app.conversation.mode == "auto"
    assert str(tui_env.repo.resolve()) in (tui_env.home / "trust.json").read_text()
    # Next start: trusted for this content, so no question.
    again = tui_env.app()
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: again.conversation is not None)
        assert not isinstance(again.screen, TrustScreen)
        assert again.conversation is not None and again.conversation.mode == "auto"


async def test_not_now_keeps_them_ignored_and_says_so(tui_env: TuiEnv) -> None:
    loosening_project(tui_env)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
        await pilot.press("n")
        await wait_for(pilot, lambda: app.conversation is not None)
        assert app.conversation is not None and app.conversation.mode == "accept-edits"
        await wait_for(pilot, lambda: any("vibe trust" in n for n in notices(app)))
    assert not (tui_env.home / "trust.json").exists()

"""The terminal rings when the user is needed while looking elsewhere, and only then."""

from __future__ import annotations

from textual import events

from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, type_and_enter_now, wait_for, wait_idle


async def run_one_prompt(tui_env: TuiEnv, *, away: bool) -> int:
    tui_env.fake.script(reply("done"))
    app = tui_env.app()
    rings: list[None] = []
    async with app.run_test(size=SIZE) as pilot:
        app.attention._ring = lambda: rings.append(None)  # pyright: ignore[reportPrivateUsage]
        await wait_for(pilot, lambda: app.conversation is not None)
        if away:
            app.post_message(events.AppBlur())  # the terminal reports it lost focus
            await wait_for(pilot, lambda: app.attention.away)
        type_and_enter_now(app, "go")
        await wait_idle(pilot)
    return len(rings)


async def test_a_turn_ending_while_the_terminal_is_not_in_focus_rings_it(tui_env: TuiEnv) -> None:
    assert await run_one_prompt(tui_env, away=True) == 1


async def test_a_terminal_in_focus_is_not_rung(tui_env: TuiEnv) -> None:
    assert await run_one_prompt(tui_env, away=False) == 0


async def test_notify_false_turns_the_ring_off(tui_env: TuiEnv) -> None:
    config = tui_env.home / "config.toml"
    config.write_text(config.read_text() + "\n[tui]\nnotify = false\n")
    assert await run_one_prompt(tui_env, away=True) == 0

"""Second QA pass: Esc with prompts queued, a `!command`'s live output, bracketed file names,
/new while a `!command` runs, prompts that start with an absolute path, /compact with nothing
to compact."""

from __future__ import annotations

from pathlib import Path

from support.processes import assert_all_dead, new_marker, sleeper, survivors
from tools.fake_mistral import FakeMistral, call, reply
from tui.harness import (
    SIZE,
    TuiEnv,
    answers,
    make_env,
    notices,
    send,
    type_and_enter_now,
    users,
    wait_for,
    wait_idle,
)
from vibe.tui.approval import ApprovalScreen
from vibe.tui.tool_card import ToolCard


def _menu_lines(app: object) -> list[str]:
    from vibe.tui.app import VibeApp

    assert isinstance(app, VibeApp)
    menu = app.menu
    return [strip.text for strip in menu.render_lines(menu.region.reset_offset)]


async def test_escape_puts_queued_prompts_back_in_the_input_instead_of_running_them(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("first " * 2000, chunk_size=4, chunk_delay=0.002), reply("second done"))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        type_and_enter_now(app, "one")
        await wait_for(pilot, lambda: app.busy and answers(app))
        type_and_enter_now(app, "two")
        await wait_for(pilot, lambda: app.queue)
        type_and_enter_now(app, "three")
        await wait_for(pilot, lambda: len(app.queue) == 2)
        assert app.busy and list(app.queue) == ["two", "three"]
        app.prompt.text = "draft"
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.busy)
        await pilot.pause()
        assert list(app.queue) == []
        assert app.prompt.text == "two\n\nthree\n\ndraft", "queued prompts come back, before the draft"
        assert "queued" not in str(app.status_line.render())
        assert users(app) == ["one"], "nothing queued ran after Esc"
        assert not [text for text in notices(app) if text.startswith("queued:")], "no longer queued"
        assert [r.last_user_text for r in tui_env.fake.requests] == ["one"]
        await pilot.press("enter")
        await wait_idle(pilot)
        assert tui_env.fake.requests[-1].last_user_text == "two\n\nthree\n\ndraft"
        assert answers(app)[-1] == "second done"
        assert not [text for text in notices(app) if "two" in text], "shown once, as the prompt sent"


async def test_escape_on_the_approval_modal_also_keeps_queued_prompts_from_running(tui_env: TuiEnv) -> None:
    tui_env.ask_mode()
    tui_env.fake.script(reply(tool_calls=[call("bash", {"command": "echo hi > f.txt"})]))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "do it")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        type_and_enter_now(app, "later")
        await wait_for(pilot, lambda: app.queue)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not app.busy)
        await pilot.pause()
        assert app.query_one(ToolCard).status == "denied"
        assert not (tui_env.repo / "f.txt").exists()
        assert app.prompt.text == "later" and not app.queue
        assert len(tui_env.fake.requests) == 1


async def test_a_bang_commands_output_shows_while_it_still_runs(tui_env: TuiEnv) -> None:
    marker = new_marker()
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, f"!echo live-line; {sleeper(marker, 30)}")
        await wait_for(pilot, lambda: survivors(marker))
        card = app.query_one(ToolCard)
        body = card.query_one(".tool-body")
        await wait_for(pilot, lambda: "live-line" in str(body.render()))
        assert card.status == "running" and body.display
        await pilot.press("escape")
        await wait_for(pilot, lambda: card.status != "running")
    await assert_all_dead(marker)


async def test_file_names_with_square_brackets_show_as_they_are_in_the_mention_menu(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    env = make_env(tmp_path, fake_mistral, {"app/[slug]/page.tsx": "x\n"})
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        app.prompt.insert("look at @page")
        await wait_for(pilot, lambda: app.menu.display and app.menu.option_count == 1)
        await pilot.pause()
        assert any("app/[slug]/page.tsx" in line for line in _menu_lines(app))


async def test_new_stops_a_bang_command_whose_card_it_clears(tui_env: TuiEnv) -> None:
    marker = new_marker()
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, f"!{sleeper(marker, 30)}")
        await wait_for(pilot, lambda: survivors(marker))
        await send(pilot, "/new")
        await wait_for(pilot, lambda: any("new conversation" in n for n in notices(app)))
        await assert_all_dead(marker)
        assert not app.query(ToolCard)


async def test_a_prompt_that_starts_with_an_absolute_path_goes_to_the_model(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("Looking at it."))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/usr/lib/app.py raises KeyError, why?")
        await wait_idle(pilot)
        assert [r.last_user_text for r in tui_env.fake.requests] == ["/usr/lib/app.py raises KeyError, why?"]
        assert answers(app) == ["Looking at it."]
        assert not [n for n in notices(app) if "unknown command" in n]
        await send(pilot, "/nosuch")
        await wait_for(pilot, lambda: any("unknown command /nosuch" in n for n in notices(app)))


async def test_compact_on_a_new_conversation_says_there_is_nothing_to_compact(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/compact")
        await wait_for(pilot, lambda: any("nothing to compact" in n for n in notices(app)))
        await wait_idle(pilot)
        assert not [n for n in notices(app) if "conversation compacted" in n]
        assert tui_env.fake.requests == []


def _request_shown(app: object) -> object:
    screen = getattr(app, "screen", None)
    return screen.request if isinstance(screen, ApprovalScreen) else None


def shown_choices(screen: ApprovalScreen) -> list[str]:
    from textual.widgets import OptionList

    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_always_is_offered_only_with_what_it_will_do(tui_env: TuiEnv) -> None:
    # A redirection cannot become a rule: "always" would do nothing, so it is not offered.
    tui_env.ask_mode()
    tui_env.fake.script(
        reply(tool_calls=[call("bash", {"command": "echo hi > f.txt"})]),
        reply(tool_calls=[call("bash", {"command": "make build"})]),
        reply("done"),
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "do it")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        screen = app.screen
        assert isinstance(screen, ApprovalScreen)
        first = shown_choices(screen)
        assert [choice[0] for choice in first] == ["1", "4"] and "no rule can safely cover" in first[0]
        await pilot.press("3")  # the key for "always" does nothing here
        assert app.screen is screen
        await pilot.press("1")
        first_request = screen.request
        await wait_for(pilot, lambda: _request_shown(app) not in (None, first_request))
        second = app.screen
        assert isinstance(second, ApprovalScreen)
        always = [choice for choice in shown_choices(second) if choice.startswith("3")]
        assert always == [f"3  Always allow  (stores rule: {second.request.suggested_rule})"]
        await pilot.press("4")
        await wait_idle(pilot)

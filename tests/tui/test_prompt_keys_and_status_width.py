"""What Enter does with the completion menu open, keys that arrive faster than the app redraws,
and the status line at the widths terminals really have."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.pilot import Pilot

from tools.fake_mistral import FakeMistral, reply
from tui.harness import SIZE, TuiEnv, make_env, notices, type_and_enter_now, users, wait_for
from vibe.tui.app import VibeApp
from vibe.tui.pickers import PickerScreen

_KEY_NAMES = {"/": "slash", " ": "space", "@": "at"}


def menu_items(app: VibeApp) -> list[str]:
    menu = app.menu
    if not menu.display:
        return []
    return [str(menu.get_option_at_index(i).id) for i in range(menu.option_count)]


def picker_title(app: VibeApp) -> str | None:
    screen = app.screen
    if not isinstance(screen, PickerScreen):
        return None
    titles = screen.query("#picker-title")  # empty until the pushed screen is composed
    return str(titles.first().render()) if titles else None


def type_in_one_burst(app: VibeApp, *keys: str) -> None:
    """Queues all the keys at once, as a terminal delivers fast typing or a paste: unlike
    `pilot.press`, the app gets no chance to handle one key's consequences before the next."""
    for key in keys:
        name = _KEY_NAMES.get(key, key)
        event = events.Key(name, key if len(key) == 1 else None)
        event.set_sender(app)
        app.post_message(event)


async def settle(pilot: Pilot[int]) -> None:
    await pilot.pause()
    await pilot.pause()


# -- Enter and the completion menu -------------------------------------------------------------


async def test_enter_runs_the_command_typed_in_full_not_the_first_suggestion(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.press(*"/mode")
        assert menu_items(app) == ["/mode", "/model"], "the exact match ranks first"
        await pilot.press("enter")
        await wait_for(pilot, lambda: picker_title(app) is not None)
        assert picker_title(app) == "Permission mode"


async def test_enter_submits_an_ambiguous_prefix_as_typed_unless_the_menu_was_navigated(
    tui_env: TuiEnv,
) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.press(*"/mo", "enter")
        await wait_for(pilot, lambda: any("unknown command /mo" in n for n in notices(app)))
        assert picker_title(app) is None
        await pilot.press(*"/mo")
        assert menu_items(app) == ["/model", "/mode"]
        await pilot.press("down", "enter")  # the user chose /mode in the menu: Enter runs it
        await wait_for(pilot, lambda: picker_title(app) == "Permission mode")


async def test_enter_completes_and_runs_an_unambiguous_command_prefix(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.press(*"/he", "enter")
        await wait_for(pilot, lambda: any(n.startswith("/help") for n in notices(app)))
        assert app.prompt.text == ""


async def test_enter_in_the_mention_menu_takes_the_file_and_then_sends(tmp_path: Path) -> None:
    with FakeMistral() as fake:
        fake.script(reply("Read it."))
        env = make_env(tmp_path, fake, {"src/calculator.py": ""})
        app = env.app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.conversation is not None)
            await pilot.press(*"explain @calc")
            await wait_for(pilot, lambda: menu_items(app) == ["@src/calculator.py"])
            await pilot.press("enter")
            assert app.prompt.text == "explain @src/calculator.py " and not fake.requests
            await pilot.press("enter")
            await wait_for(pilot, lambda: users(app) == ["explain @src/calculator.py"])


async def test_a_history_entry_does_not_open_the_menu_so_up_keeps_walking_history(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        app.prompt.prompt_history.extend(["first prompt", "/help"])
        await pilot.press("up")
        assert app.prompt.text == "/help" and not app.menu.display
        await pilot.press("up")
        assert app.prompt.text == "first prompt"


# -- keys faster than the app --------------------------------------------------------------------


async def test_fast_typing_never_applies_a_menu_computed_for_an_earlier_prefix(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.press(*"/mo")
        assert menu_items(app) == ["/model", "/mode"]
        # "de" and Enter land before the menu for "/mo" is recomputed: "/mode" must run, not
        # "/model" with the rest of the word spliced in as an argument ("/model de").
        type_in_one_burst(app, "d", "e", "enter")
        await wait_for(pilot, lambda: picker_title(app) is not None)
        assert picker_title(app) == "Permission mode"
        assert app.conversation is not None and app.conversation.facts.model == "devstral-test"


async def test_a_whole_command_typed_in_one_burst_runs_as_typed(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        type_in_one_burst(app, *"/mode plan", "enter")
        await wait_for(pilot, lambda: app.conversation is not None and app.conversation.mode == "plan")
        await settle(pilot)
        type_in_one_burst(app, *"/cost", "enter")
        await wait_for(pilot, lambda: any(n.startswith("tokens") for n in notices(app)))
        await settle(pilot)
        assert app.prompt.text == "" and not app.menu.display
        assert not any("unknown command" in n for n in notices(app))


# -- the status line -------------------------------------------------------------------------------


def status_row(app: VibeApp) -> str:
    """The status line as drawn: the widget's one row, cropped to its width."""
    return app.status_line.render_line(0).text


async def test_the_status_line_keeps_state_mode_model_and_branch_at_80_and_110_columns(
    tui_env: TuiEnv,
) -> None:
    (tui_env.repo / ".git" / "HEAD").write_text("ref: refs/heads/feature/status-line\n")
    # Long enough to outlast the test: the agent stays busy while the widths are checked.
    tui_env.fake.script(reply("word " * 4000, chunk_size=5, chunk_delay=0.005), reply("2"), reply("3"))
    app = tui_env.app()
    async with app.run_test(size=(200, 32)) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        type_and_enter_now(app, "one")
        await wait_for(pilot, lambda: app.busy and bool(tui_env.fake.requests))
        type_and_enter_now(app, "two")
        type_and_enter_now(app, "three")
        await wait_for(pilot, lambda: "2 queued" in status_row(app))
        wide = status_row(app)
        assert "$0.0000" in wide and "ctx " in wide, "with room to spare every fact shows"
        for width in (110, 80):
            await pilot.resize_terminal(width, 32)
            await wait_for(pilot, lambda width=width: app.status_line.outer_size.width == width)
            row = status_row(app)
            assert len(row) <= app.status_line.size.width
            for fact in ("working", "2 queued", "accept-edits", "devstral-test", "feature/status-line"):
                assert fact in row, f"{fact!r} is cut off at {width} columns: {row!r}"
        assert app.busy, "the run was still going while the widths were checked"


async def test_a_notice_does_not_cover_the_prompt(tui_env: TuiEnv) -> None:
    from textual.widgets._toast import Toast

    app = tui_env.app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.press("ctrl+c")  # "Press Ctrl+C again to quit"
        await wait_for(pilot, lambda: bool(app.query(Toast)))
        await pilot.pause()
        toast = app.query_one(Toast).region
        for widget in (app.prompt, app.status_line):
            assert not toast.overlaps(widget.region), (toast, widget.region)

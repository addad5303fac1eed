"""/resume's picker: each session by its first prompt, where it ran, its size and last activity;
typing filters; hundreds of sessions stay quick to list."""

from __future__ import annotations

import os
import time

from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from tui.harness import SIZE, TuiEnv, answers, notices, send, users, wait_for
from vibe.config.paths import sessions_dir
from vibe.messages import AssistantMessage, UserMessage
from vibe.session.store import SessionStore
from vibe.tui.app import VibeApp
from vibe.tui.session_picker import SHOWN_AT_MOST, SessionPickerScreen


def save_session(env: TuiEnv, frontend: str, *exchange: str, age_seconds: float = 0) -> str:
    writer = SessionStore(sessions_dir(env.home)).create(env.repo.resolve(), "devstral-test", frontend)
    for index, text in enumerate(exchange):
        message = UserMessage(content=text) if index % 2 == 0 else AssistantMessage(content=text)
        writer.append_message(message)
    writer.close()
    if age_seconds:
        stamp = time.time() - age_seconds
        os.utime(writer.info.path, (stamp, stamp))
    return writer.id


def keys(text: str) -> list[str]:
    return ["space" if char == " " else "minus" if char == "-" else char for char in text]


def picker_rows(app: VibeApp) -> list[str]:
    screen = app.screen
    assert isinstance(screen, SessionPickerScreen)
    listing = screen.query_one("#picker-list", OptionList)
    return [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]


def count_line(app: VibeApp) -> str:
    return str(app.screen.query_one("#session-count", Static).render())


async def open_picker(app: VibeApp, pilot: Pilot[int]) -> None:
    await send(pilot, "/resume")
    await wait_for(pilot, lambda: isinstance(app.screen, SessionPickerScreen) and picker_rows(app))


async def test_each_session_shows_its_first_prompt_where_it_ran_size_and_age(tui_env: TuiEnv) -> None:
    save_session(tui_env, "headless", "fix the   flaky\nlogin test", "Fixed.", age_seconds=3 * 3600)
    save_session(tui_env, "editor", "explain [bold]markup[/bold] in docs", "Sure.", age_seconds=2 * 86400)
    save_session(tui_env, "terminal", "rename the config loader", "Done.", age_seconds=120)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_picker(app, pilot)
        rows = picker_rows(app)
        assert [row.splitlines()[0] for row in rows] == [
            "rename the config loader",
            "fix the flaky login test",  # on one line, whitespace collapsed
            "explain [bold]markup[/bold] in docs",  # shown as written, never as markup
        ]
        details = [row.splitlines()[1] for row in rows]
        assert details[0].startswith("  2 min ago · terminal · ") and " B · devstral-test · " in details[0]
        assert details[1].startswith("  3 h ago · headless (-p) · ")
        assert details[2].startswith("  2 days ago · editor · ")
        assert "3 sessions" in count_line(app)


async def test_typing_filters_and_enter_resumes_the_match(tui_env: TuiEnv) -> None:
    wanted = save_session(tui_env, "headless", "Fix the login redirect", "The cookie path.", age_seconds=600)
    save_session(tui_env, "terminal", "add a changelog entry", "Added.", age_seconds=60)
    save_session(tui_env, "terminal", "login page colours", "Changed.", age_seconds=30)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_picker(app, pilot)
        assert app.screen.query_one(Input).has_focus, "the filter takes the keys at once"
        await pilot.press(*keys("LOGIN"))
        await wait_for(pilot, lambda: len(picker_rows(app)) == 2)  # case does not matter
        await pilot.press(*keys(" fix"))  # every word must match, in any order
        await wait_for(pilot, lambda: len(picker_rows(app)) == 1)
        assert picker_rows(app)[0].startswith("Fix the login redirect")
        assert "1 of 3 sessions" in count_line(app)
        await pilot.press(*keys(" nothing-like-this"))
        await wait_for(pilot, lambda: not picker_rows_or_empty(app))
        assert "no session matches" in count_line(app)
        await pilot.press("enter")  # nothing to pick: the picker stays
        assert isinstance(app.screen, SessionPickerScreen)
        for _ in " nothing-like-this":
            await pilot.press("backspace")
        await wait_for(pilot, lambda: len(picker_rows_or_empty(app)) == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("resumed session" in n for n in notices(app)))
        assert app.conversation is not None and app.conversation.session_id == wanted
        assert users(app) == ["Fix the login redirect"] and answers(app) == ["The cookie path."]


def picker_rows_or_empty(app: VibeApp) -> list[str]:
    return picker_rows(app) if isinstance(app.screen, SessionPickerScreen) else []


async def test_arrows_move_through_the_list_and_esc_goes_back(tui_env: TuiEnv) -> None:
    older = save_session(tui_env, "terminal", "older task", "ok", age_seconds=600)
    save_session(tui_env, "terminal", "newer task", "ok", age_seconds=60)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await open_picker(app, pilot)
        listing = app.screen.query_one("#picker-list", OptionList)
        assert listing.highlighted == 0
        await pilot.press("down", "down", "up", "down")  # stops at the last one
        assert listing.highlighted == 1
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, SessionPickerScreen))
        assert app.conversation is not None and app.conversation.session_id != older
        await open_picker(app, pilot)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.conversation is not None and app.conversation.session_id == older)


async def test_hundreds_of_sessions_list_at_once_and_typing_finds_any(tui_env: TuiEnv) -> None:
    # Big sessions: a summary must not read them whole.
    long_answer = "x" * 20_000
    count = SHOWN_AT_MOST + 50
    ids = [save_session(tui_env, "headless", f"task number {n}", long_answer) for n in range(count)]
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        started = time.monotonic()
        await open_picker(app, pilot)
        assert time.monotonic() - started < 5
        assert len(picker_rows(app)) == SHOWN_AT_MOST
        assert f"the newest {SHOWN_AT_MOST} of {SHOWN_AT_MOST + 50}" in count_line(app)
        await pilot.press(*keys("number 23"))
        await wait_for(pilot, lambda: len(picker_rows(app)) == 13)
        found = {row.splitlines()[0] for row in picker_rows(app)}
        # Session 23 is among the oldest, beyond the first page: the filter searches them all.
        assert found == {f"task number {n}" for n in (23, 123, 223, *range(230, 240))}
        await pilot.press("enter")
        await wait_for(pilot, lambda: any("resumed session" in n for n in notices(app)))
        assert app.conversation is not None and app.conversation.session_id == ids[239]


async def test_no_other_session_is_a_notice_not_an_empty_picker(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/resume")
        await wait_for(pilot, lambda: any("no other saved session" in n for n in notices(app)))
        assert not isinstance(app.screen, SessionPickerScreen)

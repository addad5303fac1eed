"""Slash commands and their completion, @-mention completion, resuming a session, modes."""

from __future__ import annotations

from pathlib import Path

from tools.fake_mistral import FakeMistral, reply
from tui.harness import SIZE, TuiEnv, answers, make_env, notices, send, users, wait_for, wait_idle
from vibe.tui.session_picker import SessionPickerScreen


def menu_items(app: object) -> list[str]:
    from vibe.tui.app import VibeApp

    assert isinstance(app, VibeApp)
    menu = app.menu
    if not menu.display:
        return []
    return [str(menu.get_option_at_index(i).id) for i in range(menu.option_count)]


async def test_slash_commands_complete_and_unknown_ones_say_so(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.press("/", "m", "o")
        assert menu_items(app) == ["/model", "/mode"]
        await pilot.press("down", "tab")
        assert app.prompt.text == "/mode " and not app.menu.display
        app.prompt.clear()
        await pilot.press(*"/frob", "enter")
        await pilot.pause()
        await wait_for(pilot, lambda: any("unknown command /frob" in n for n in notices(app)))


async def test_mode_switches_by_command_and_shift_tab(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "/mode plan")
        await wait_for(pilot, lambda: app.conversation is not None and app.conversation.mode == "plan")
        assert "mode: plan" in str(app.status_line.render())
        await pilot.press("shift+tab")
        assert app.conversation is not None and app.conversation.mode == "ask"
        await send(pilot, "/mode nonsense")
        await wait_for(pilot, lambda: any("unknown mode" in n for n in notices(app)))


async def test_status_and_cost_report_the_session(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("ok", usage=(1200, 30)))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "hi")
        await wait_idle(pilot)
        await send(pilot, "/status")
        await wait_for(pilot, lambda: any("endpoint" in n for n in notices(app)))
        status = next(n for n in notices(app) if "endpoint" in n)
        assert tui_env.fake.base_url in status and "devstral-test" in status and "1.2k in, 30 out" in status
        assert "sandbox" in status
        # No checkpoint yet, but the store was prepared in the background as the session started.
        await wait_for(pilot, lambda: any((tui_env.home / "checkpoints").glob("*/index")))
        assert "KB on disk" in status or "MB on disk" in status


async def test_at_mentions_complete_fuzzily_over_files_git_does_not_ignore(tmp_path: Path) -> None:
    with FakeMistral() as fake:
        env = make_env(
            tmp_path,
            fake,
            {
                ".gitignore": "build/\n",
                "src/calculator.py": "",
                "build/calculator.py": "",
                "docs/guide.md": "",
            },
        )
        app = env.app()
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.conversation is not None)
            await pilot.press(*"explain @calc")
            await wait_for(pilot, lambda: menu_items(app))
            assert menu_items(app) == ["@src/calculator.py"]
            await pilot.press("tab")
            assert app.prompt.text == "explain @src/calculator.py "
            await pilot.press(*"and @gd")
            await wait_for(pilot, lambda: menu_items(app) == ["@docs/guide.md"])


async def test_resume_picks_a_session_of_this_directory_and_continues_it(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("The answer is 42."), reply("Fresh start."), reply("You asked about 42."))
    first = tui_env.app()
    async with first.run_test(size=SIZE) as pilot:
        await send(pilot, "what is the answer?")
        await wait_idle(pilot)
        await send(pilot, "/new")
        await wait_for(pilot, lambda: any("new conversation" in n for n in notices(first)))
        await send(pilot, "unrelated")
        await wait_idle(pilot)
    second = tui_env.app()
    async with second.run_test(size=SIZE) as pilot:
        await send(pilot, "/resume")
        await wait_for(pilot, lambda: isinstance(second.screen, SessionPickerScreen))
        await pilot.press("down", "enter")  # newest first: the "unrelated" one, then ours
        await wait_for(pilot, lambda: any("resumed session" in n for n in notices(second)))
        assert users(second) == ["what is the answer?"]
        assert answers(second) == ["The answer is 42."]
        await send(pilot, "what did I ask?")
        await wait_idle(pilot)
        sent = [m["content"] for m in tui_env.fake.requests[-1].messages if m["role"] != "system"]
        assert sent == ["what is the answer?", "The answer is 42.", "what did I ask?"]


async def test_a_long_resumed_conversation_is_usable_at_once_and_complete_later(tui_env: TuiEnv) -> None:
    from vibe.config.paths import sessions_dir
    from vibe.messages import AssistantMessage, UserMessage
    from vibe.session.store import SessionStore
    from vibe.tui.resume import RESUME_SHOWN

    writer = SessionStore(sessions_dir(tui_env.home)).create(tui_env.repo.resolve(), "devstral-test")
    pairs = RESUME_SHOWN  # twice as many entries as are shown at once
    for index in range(pairs):
        writer.append_message(UserMessage(content=f"question {index}"))
        writer.append_message(AssistantMessage(content=f"answer {index}"))
    writer.close()
    app = tui_env.app("--resume", writer.id)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("resumed session" in n for n in notices(app)))
        assert users(app)[-1] == f"question {pairs - 1}"
        await wait_for(pilot, lambda: len(users(app)) == pairs)
        assert users(app) == [f"question {i}" for i in range(pairs)]  # in order, none twice
        assert answers(app)[:2] == ["answer 0", "answer 1"]

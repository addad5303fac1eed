"""QA findings: /resume with a bad id, NO_COLOR, Esc on a `!command`, /model there and back."""

from __future__ import annotations

import re
from pathlib import Path

import pexpect
import psutil

from support.processes import new_marker, sleeper, survivors
from tools.fake_mistral import FakeMistral, reply
from tui.harness import SIZE, TuiEnv, answers, make_env, notices, send, users, wait_for, wait_idle
from vibe.tui.pickers import PickerScreen
from vibe.tui.tool_card import ToolCard


async def test_resume_with_an_unknown_id_keeps_the_conversation_on_screen(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("The answer is 42."), reply("Still here."))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "what is the answer?")
        await wait_idle(pilot)
        assert app.conversation is not None
        session = app.conversation.session_id
        await send(pilot, "/resume bogus-id")
        await wait_for(pilot, lambda: any("bogus-id" in n for n in notices(app)))
        assert users(app) == ["what is the answer?"]
        assert answers(app) == ["The answer is 42."]
        await send(pilot, "and now?")
        await wait_idle(pilot)
        assert app.conversation.session_id == session
        assert users(app) == ["what is the answer?", "and now?"]
        assert answers(app) == ["The answer is 42.", "Still here."]
        assert len([n for n in notices(app) if "bogus-id" in n]) == 1


# SGR parameters that pick a foreground colour: 30-37, 38;5;n / 38;2;r;g;b, 90-97.
def _foreground_colours(raw: str) -> list[str]:
    found: list[str] = []
    for params in re.findall(r"\x1b\[([0-9;]*)m", raw):
        codes = params.split(";")
        index = 0
        while index < len(codes):
            code = int(codes[index] or 0)
            if code in (38, 48):  # extended colour: skip its arguments
                width = 3 if codes[index + 1 : index + 2] == ["5"] else 5
                if code == 38:
                    found.append(params)
                index += width
                continue
            if 30 <= code <= 37 or 90 <= code <= 97:
                found.append(params)
            index += 1
    return found


def test_no_color_leaves_text_in_the_terminals_own_colour(tmp_path: Path) -> None:
    with FakeMistral() as fake:
        env = make_env(tmp_path, fake)
        fake.script(reply("Plain-answer-text, readable on any background."))
        child = env.spawn_in_terminal(tmp_path, size=(30, 100), extra_env={"NO_COLOR": "1"})
        screen: list[str] = []
        try:
            child.expect("devstral-test")
            screen.append(f"{child.before}{child.after}")
            child.send("say something\r")
            child.expect("Plain-answer-text")
            screen.append(f"{child.before}{child.after}")
            child.sendcontrol("c")
            child.sendcontrol("c")
            child.expect(pexpect.EOF)
            screen.append(str(child.before))
        finally:
            child.close(force=True)
        raw = "".join(screen)
        assert "\x1b[" in raw, "the TUI drew something"
        assert _foreground_colours(raw) == []


async def test_escape_stops_a_running_shell_command_and_leaves_no_process(tui_env: TuiEnv) -> None:
    marker = new_marker()
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, f"!{sleeper(marker, 30)}")
        await wait_for(pilot, lambda: survivors(marker))
        pids = [process.pid for process in survivors(marker)]
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.query_one(ToolCard).status != "running")
        card = app.query_one(ToolCard)
        assert card.status == "cancelled"
        assert "interrupted" in str(card.query_one(".tool-header").render())
        # The card says interrupted only once the process group is gone.
        assert [pid for pid in pids if _running(pid)] == []
        # The app is usable afterwards.
        await send(pilot, "!echo after")
        await wait_for(pilot, lambda: len(app.query(ToolCard)) == 2 and app.query(ToolCard)[1].status == "ok")


def _running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


SMALL_MODEL = """
[models.small]
provider = "mistral"
id = "small-test"
context_window = 32000
"""


async def test_model_there_and_back_keeps_the_context_window(tui_env: TuiEnv) -> None:
    with (tui_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write(SMALL_MODEL)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        start_window = app.status_line.facts.context_window
        assert start_window == tui_env.fake.context_length  # asked of the endpoint's /models
        await send(pilot, "/model small")
        await wait_for(pilot, lambda: app.status_line.facts.model == "small-test")
        assert app.status_line.facts.context_window == 32000
        await send(pilot, "/model")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        labels = _picker_labels(app.screen)
        assert "small  (current)" in labels
        assert "devstral-test" in labels, "the model we started with can be picked again"
        await pilot.press("escape")
        await send(pilot, "/model devstral-test")
        await wait_for(pilot, lambda: app.status_line.facts.model == "devstral-test")
        assert app.status_line.facts.context_window == start_window
        assert app.conversation is not None and app.conversation.context_window == start_window
        assert "ctx 0% of 131.1k" in str(app.status_line.render()), "the window is shown again"
        await send(pilot, "/model")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert "devstral-test  (current)" in _picker_labels(app.screen)


def _picker_labels(screen: object) -> list[str]:
    from textual.widgets import OptionList

    assert isinstance(screen, PickerScreen)
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

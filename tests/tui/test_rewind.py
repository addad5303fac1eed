"""/rewind in the terminal UI: a picker of the prompts (with their checkpoints and files changed),
what to take back, a dialog listing what would change, then the rewind."""

from __future__ import annotations

from textual.widgets import OptionList

from tools.fake_mistral import call, reply
from tui.harness import SIZE, TuiEnv, notices, send, wait_for, wait_idle
from vibe.tui.pickers import PickerScreen


def picker_labels(app: object) -> list[str]:
    from vibe.tui.app import VibeApp

    assert isinstance(app, VibeApp) and isinstance(app.screen, PickerScreen)
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_rewind_picks_a_prompt_and_takes_back_files_and_conversation(tui_env: TuiEnv) -> None:
    (tui_env.repo / "notes.txt").write_text("before\n", encoding="utf-8")
    tui_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "one\n"})]),
        reply("did one"),
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "two\n"})]),
        reply("did two"),
        reply("fresh start"),
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "write one")
        await wait_idle(pilot)
        await send(pilot, "write two")
        await wait_idle(pilot)

        await send(pilot, "/rewind")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        labels = picker_labels(app)
        assert len(labels) == 2 and "write two" in labels[0] and "write one" in labels[1]
        assert "checkpoint" in labels[1] and "1 file(s) changed" in labels[1]
        await pilot.press("down", "enter")  # prompt 1
        await wait_for(pilot, lambda: "take back what" in str(app.screen.query_one("#picker-title").render()))
        assert "Files and conversation" in picker_labels(app)[0]
        await pilot.press("enter")  # both
        await wait_for(pilot, lambda: "Rewind" in picker_labels(app)[0] and len(picker_labels(app)) == 2)
        title = str(app.screen.query_one("#picker-title").render())
        assert "restore notes.txt" in " ".join(title.split()) and "forgotten" in title
        assert (tui_env.repo / "notes.txt").read_text() == "two\n", "asking changes nothing"
        await pilot.press("enter")  # Rewind
        await wait_for(pilot, lambda: any("the conversation is back" in n for n in notices(app)))
        assert (tui_env.repo / "notes.txt").read_text() == "before\n"
        assert app.prompt.text == "write one", "the prompt is back in the input"

        await send(pilot, "/status")
        await wait_for(pilot, lambda: any("endpoint" in n for n in notices(app)))
        status = next(n for n in notices(app) if "endpoint" in n)
        used = next(line for line in status.splitlines() if line.startswith("checkpoints"))
        assert used.endswith("KB on disk") and not used.startswith("checkpoints 0 KB"), used

        app.prompt.text = "write one"
        await pilot.press("enter")
        await wait_idle(pilot)
        sent = [m["content"] for m in tui_env.fake.requests[-1].messages if m["role"] == "user"]
        assert sent == ["write one"], "the agent continues from before prompt 1"

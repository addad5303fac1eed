"""/undo in the terminal UI: a marker per checkpoint, then a dialog listing what would change."""

from __future__ import annotations

from tools.fake_mistral import call, reply
from tui.harness import SIZE, TuiEnv, notices, send, wait_for, wait_idle
from vibe.tui.pickers import PickerScreen


async def test_undo_asks_in_a_dialog_then_restores(tui_env: TuiEnv) -> None:
    (tui_env.repo / "notes.txt").write_text("before\n", encoding="utf-8")
    tui_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "after\n"})]), reply("done")
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "change the notes")
        await wait_idle(pilot)
        assert any("◆ checkpoint" in n for n in notices(app))
        assert (tui_env.repo / "notes.txt").read_text() == "after\n"

        await send(pilot, "/undo")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("escape")  # cancelled: nothing changes
        await wait_for(pilot, lambda: not isinstance(app.screen, PickerScreen))
        assert (tui_env.repo / "notes.txt").read_text() == "after\n"

        await send(pilot, "/undo")
        await wait_for(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press("enter")  # the first choice: restore them
        await wait_for(pilot, lambda: any("/undo: restored 1 file" in n for n in notices(app)))
        assert (tui_env.repo / "notes.txt").read_text() == "before\n"

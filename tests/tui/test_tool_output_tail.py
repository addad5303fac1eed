"""A long tool output shows its head and its tail: a failing build or test run ends with the error."""

from __future__ import annotations

from tui.harness import SIZE, TuiEnv, send, wait_for
from vibe.tui.tool_card import ToolCard


async def test_a_long_output_keeps_its_last_lines_in_the_card(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "!seq 1 500; echo FINAL-ERROR-LINE")
        card = app.query_one(ToolCard)
        await wait_for(pilot, lambda: card.status not in ("running",))
        shown = str(card.query_one(".tool-body").render())
        assert "FINAL-ERROR-LINE" in shown
        assert "\n1\n" in f"\n{shown}" and "lines not shown" in shown
        assert "\n250\n" not in shown

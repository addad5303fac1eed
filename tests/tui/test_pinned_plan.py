"""The todo plan stays in view above the prompt while it has open items."""

from __future__ import annotations

from tools.fake_mistral import call, reply
from tui.harness import SIZE, TuiEnv, send, wait_idle
from vibe.tui.transcript import PlanEntry


def todo(*statuses: str) -> dict[str, object]:
    return {"todos": [{"content": f"step {n}", "status": status} for n, status in enumerate(statuses, 1)]}


async def test_an_open_plan_is_pinned_and_a_finished_one_is_left_in_the_transcript(tui_env: TuiEnv) -> None:
    tui_env.fake.script(
        reply(tool_calls=[call("todo", todo("in_progress", "pending"))]),
        reply("working on step 1 " * 40),
        reply(tool_calls=[call("todo", todo("completed", "completed"))]),
        reply("all done"),
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "plan it")
        await wait_idle(pilot)
        pinned = app.pinned_plan
        assert pinned.display and "Plan (0/2 done)" in str(pinned.render())
        assert not pinned.region.overlaps(app.prompt.region)  # above the prompt, always in view
        assert not app.query(PlanEntry)
        await pilot.press("ctrl+t")
        assert pinned.folded and "step 1" not in str(pinned.render())
        await send(pilot, "finish")
        await wait_idle(pilot)
        assert not pinned.display
        (recorded,) = app.query(PlanEntry)
        assert "Plan (2/2 done)" in str(recorded.render())

"""A long pasted prompt is folded on screen and sent whole."""

from __future__ import annotations

from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, send, wait_idle
from vibe.tui.transcript import UserEntry


async def test_a_long_paste_is_folded_on_screen_and_sent_whole(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("Seen."))
    log = "why does this fail?\n" + "\n".join(f"log line {i}" for i in range(500))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, log)
        await wait_idle(pilot)
        entry = app.query_one(UserEntry)
        shown = str(entry.render())
        assert shown.startswith("why does this fail?") and "more lines sent" in shown
        assert "log line 499" not in shown and entry.prompt == log
    assert "log line 499" in str(tui_env.fake.requests[0].messages[-1]["content"])

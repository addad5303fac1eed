"""MCP prompts in the terminal UI: offered in completion and /help once the server (started in
the background) has listed them, run with the typed arguments, a missing argument one sentence,
and a user command of the same name winning with one warning."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from support.extension_files import write_command
from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, notices, send, wait_for, wait_idle
from tui.test_commands import menu_items

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


async def test_prompts_complete_run_and_lose_to_a_user_command(tui_env: TuiEnv) -> None:
    with (tui_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write(
            f"\n[mcp_servers.t]\ncommand = {json.dumps(sys.executable)}\nargs = [{json.dumps(SERVER)}]\n"
        )
    mine = write_command(tui_env.home / "commands", "mcp__t__picture", "my own picture")
    tui_env.fake.script(reply("reviewed"), reply("mine"))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(
            pilot, lambda: any("the MCP prompt /mcp__t__picture is ignored" in n for n in notices(app)), 30
        )
        await pilot.press(*"/mcp__t__r")
        await wait_for(pilot, lambda: menu_items(app) == ["/mcp__t__review"])
        app.prompt.clear()
        await send(pilot, "/help")
        await wait_for(pilot, lambda: any("Your commands and skills" in n for n in notices(app)))
        shown = next(n for n in notices(app) if "Your commands and skills" in n)
        assert "Review a file. [<path> [focus]] (mcp)" in shown

        await send(pilot, "/mcp__t__review app.py thread safety")
        await wait_idle(pilot)
        assert tui_env.fake.requests[0].last_user_text == "Please review app.py, looking at thread safety."

        await send(pilot, "/mcp__t__review")
        await wait_for(pilot, lambda: any("needs the argument 'path'" in n for n in notices(app)))
        await wait_idle(pilot)
        assert len(tui_env.fake.requests) == 1

        await send(pilot, "/mcp__t__picture")
        await wait_idle(pilot)
        assert tui_env.fake.requests[1].last_user_text == "my own picture"
        told = [n for n in notices(app) if "the MCP prompt /mcp__t__picture is ignored" in n]
        assert len(told) == 1 and str(mine) in told[0]

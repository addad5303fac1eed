"""MCP servers in the terminal UI: a server that cannot start is one notice while the prompt is
usable, `/mcp` shows each server's state, `/status` their confinement and schema cost, and
`/mcp restart` starts one again."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tui.harness import SIZE, TuiEnv, notices, send, wait_for

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


def configure(tui_env: TuiEnv) -> None:
    with (tui_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write(
            f"""
[mcp_servers.t]
command = {json.dumps(sys.executable)}
args = [{json.dumps(SERVER)}]

[mcp_servers.broken]
command = "/nonexistent/mcp-server"
"""
        )


async def test_mcp_state_notices_status_and_restart(tui_env: TuiEnv) -> None:
    configure(tui_env)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("'broken' is not available" in n for n in notices(app)), 30)
        await wait_for(pilot, lambda: app.conversation is not None and _state(app, "t") == "ready", 30)
        await send(pilot, "/mcp")
        await wait_for(pilot, lambda: any("/mcp restart NAME" in n for n in notices(app)))
        listed = next(n for n in notices(app) if "/mcp restart NAME" in n)
        await send(pilot, "/status")
        await wait_for(pilot, lambda: any("tool schemas" in n for n in notices(app)))
        status = next(n for n in notices(app) if "tool schemas" in n)
        await send(pilot, "/mcp restart t")
        await wait_for(pilot, lambda: any("'t' is ready again" in n for n in notices(app)), 30)
        await send(pilot, "/mcp restart nope")
        await wait_for(pilot, lambda: any("no MCP server named 'nope'" in n for n in notices(app)))
        assert len([n for n in notices(app) if "'broken' is not available" in n]) == 1
    assert "t (stdio): ready" in listed and "8 tools, about" in listed
    assert "2 prompts: /mcp__t__review, /mcp__t__picture" in listed
    assert "broken (stdio): failed (" in listed and "confinement: " in listed
    assert "mcp       t: ready, 8 tools" in status and "mcp       broken: failed" in status
    assert "also writes" in status


def _state(app: object, name: str) -> str | None:
    from vibe.tui.app import VibeApp

    assert isinstance(app, VibeApp) and app.conversation is not None
    return next((v.status.state for v in app.conversation.mcp_servers() if v.status.name == name), None)

"""A published MCP server, installed from PyPI with the dev extras (`mcp-server-time`), run by
the real `vibe -p` as a configured stdio server: confined like every stdio server (network off,
writes only to the workspace and its state directory), its tools listed and one called.

It is the reference time server of the MCP project; its time zone data comes from the `tzdata`
wheel it depends on, so it needs neither the network nor the system's zone files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from support.vibe_process import TEST_CONFIG, VibeEnv
from tools.fake_mistral import call, reply

SERVER = Path(sys.executable).with_name("mcp-server-time")

pytestmark = pytest.mark.skipif(
    not SERVER.exists(), reason="mcp-server-time is not installed (pip install -e '.[dev]')"
)


def test_a_published_server_from_pypi_is_listed_and_called_confined(vibe_env: VibeEnv) -> None:
    servers = f"""
[mcp_servers.time]
command = {json.dumps(str(SERVER))}
args = ["--local-timezone", "UTC"]
network = false
startup_timeout = 30

[permissions.tools]
"mcp__time__*" = "always"
"""
    (vibe_env.home / "config.toml").write_text(TEST_CONFIG + servers, encoding="utf-8")
    # Tokyo keeps no daylight saving time, so the answer is the same every day of the year.
    arguments = {"source_timezone": "UTC", "time": "12:00", "target_timezone": "Asia/Tokyo"}
    vibe_env.fake.script(reply(tool_calls=[call("mcp__time__convert_time", arguments)]), reply("done"))
    run = vibe_env.run("-p", "what time is noon UTC in Tokyo?", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    (started,) = run.of_type("session_started")
    assert not [notice for notice in started["notices"] if "MCP" in notice], started["notices"]
    first, second = vibe_env.fake.requests
    offered = {tool["function"]["name"] for tool in first.tools}
    assert {"mcp__time__get_current_time", "mcp__time__convert_time"} <= offered
    answer = next(m["content"] for m in second.messages if m.get("role") == "tool")
    converted = json.loads(answer)
    assert converted["source"]["timezone"] == "UTC"
    assert converted["target"]["timezone"] == "Asia/Tokyo"
    assert converted["target"]["datetime"].split("T")[1].startswith("21:00")
    (finished,) = run.of_type("tool_call_finished")
    assert finished["status"] == "ok"
    # It ran in its own state directory (its HOME), which exists only because vibe made it.
    assert (vibe_env.home / "mcp" / "time").is_dir()

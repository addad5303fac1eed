"""A headless run starts the MCP client process first thing, when MCP servers may be configured.

Its first request has to wait for the servers, and the client's SDK takes about half a second
to load: started before vibe loads anything else, that happens on the other core meanwhile.
Whether servers are configured is guessed from the config files' text (settings are not read
yet); a wrong guess (servers disabled, or in a folder not trusted) costs only that other core's
time, since the process exits with vibe.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from vibe.config.paths import project_root, vibe_home
from vibe.tools.mcp.host_process import prestart

__all__ = ["prestart_mcp_client"]


def prestart_mcp_client(cwd: Path, env: Mapping[str, str]) -> None:
    home = vibe_home(env)
    candidates = (home / "config.toml", project_root(cwd) / ".vibe" / "config.toml")
    if any(_names_servers(path) for path in candidates):
        prestart(home / "mcp" / "client-errors.log")


def _names_servers(path: Path) -> bool:
    try:
        return b"mcp_servers" in path.read_bytes()
    except OSError:
        return False

"""Events of MCP servers (part of the one event union in `vibe.protocol.events`)."""

from __future__ import annotations

from typing import Literal

from vibe.protocol.event_base import Event

__all__ = ["McpServerNotice"]


class McpServerNotice(Event):
    """An MCP server failed to start, timed out, or died: said once, and the session goes on
    without its tools. Inside a run it is one of the run's events; between runs the conversation
    service hands it to the frontend on its own."""

    type: Literal["mcp_server_notice"] = "mcp_server_notice"
    server: str
    state: Literal["configured", "starting", "ready", "failed", "stopped"]
    # One sentence for the user.
    message: str

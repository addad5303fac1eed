"""What a tool source (an MCP server) reports about itself: its state for `/mcp`, `/status` and
`vibe mcp list`, and the notices it gives when that state changes for the worse.

Plain data, kept apart from the sources themselves, so the service and the frontends can show a
server's state without loading the MCP client that runs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = ["ServerState", "ServerStatus", "SourceNotice"]

ServerState = Literal["configured", "starting", "ready", "failed", "stopped"]


@dataclass(slots=True)
class ServerStatus:
    """One server's state, what it offers and how it runs."""

    name: str
    transport: str
    state: ServerState = "configured"
    error: str | None = None
    tools: list[str] = field(default_factory=list[str])
    # The prompts it offers (as the server names them), each a `/mcp__<server>__<prompt>` command.
    prompts: list[str] = field(default_factory=list[str])
    # Tools the server offers that vibe left out, each with why.
    skipped: list[str] = field(default_factory=list[str])
    # How the server is confined, as one sentence.
    confinement: str = ""
    # Who started it: "config" (config.toml) or "editor" (passed in session/new or session/load).
    origin: str = "config"


@dataclass(frozen=True, slots=True)
class SourceNotice:
    """A source's state changed in a way the user should hear about once: it failed to start,
    timed out, or died. `message` is the one sentence to show."""

    source: str
    state: ServerState
    message: str

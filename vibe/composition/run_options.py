"""What a frontend asks of a run beyond the settings files: where, which session, which agent."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["RunOptions"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """What a frontend asks for beyond the settings files."""

    cwd: Path
    extra_roots: tuple[Path, ...] = ()
    auto_approve: bool = False
    continue_session: bool = False
    resume: str | None = None
    # A resumed session starts in the permission mode it was last switched to (editor mode's
    # session/load), instead of the configured one.
    restore_mode: bool = False
    # Resuming a session another run is still writing: continue in a fork of it (headless, TUI),
    # or refuse with SessionInUseError (an editor, which must keep the session id it asked for).
    fork_if_busy: bool = True
    # Recorded in a new session's header, for `vibe sessions` and the resume picker.
    frontend: str = ""
    # The configured MCP servers start with the ones the frontend adds (`add_mcp_servers`:
    # editor mode, after the session/new response), not while the conversation opens.
    mcp_with_frontends: bool = False
    # The custom agent to work as (`--agent`); None: as configured.
    agent: str | None = None

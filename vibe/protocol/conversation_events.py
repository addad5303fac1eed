"""Events of the conversation between runs: a switch of mode, model or custom agent, and a
typed `/name` that was a custom command (part of the one event union in `vibe.protocol.events`)."""

from __future__ import annotations

from typing import Literal

from vibe.config.settings import PermissionMode
from vibe.protocol.event_base import Event

__all__ = ["AgentChanged", "CommandRun", "ModeChanged", "ModelChanged"]


class ModeChanged(Event):
    """The permission mode was switched (TUI /mode, the editor's mode selector)."""

    type: Literal["mode_changed"] = "mode_changed"
    permission_mode: PermissionMode


class ModelChanged(Event):
    """Requests go to another model from now on (TUI /model, the editor's model selector)."""

    type: Literal["model_changed"] = "model_changed"
    # The model id sent to the endpoint, and the name the user chose it by (an alias, or the id).
    model: str
    name: str
    context_window: int | None = None


class CommandRun(Event):
    """A typed `/name args` was a custom command or a skill: the prompt sent is its expansion
    (the session records that text). Frontends say which command ran."""

    type: Literal["command_run"] = "command_run"
    name: str
    # Where it came from: "user", "project" (a trusted repository), "skill", "mcp".
    source: str
    path: str | None = None
    arguments: str = ""

    @property
    def summary(self) -> str:
        """`/review: your command (path)`, for a person reading the transcript or a log."""
        kinds = {"user": "your command", "project": "the repository's command", "mcp": "MCP prompt"}
        where = f" ({self.path})" if self.path else ""
        return f"/{self.name}: {kinds.get(self.source, self.source)}{where}"


class AgentChanged(Event):
    """The conversation now works as another custom agent (`--agent`, /agent, an editor's
    `agent` option); `permission_mode` is the mode it runs under (the stricter of the user's
    and the agent's)."""

    type: Literal["agent_changed"] = "agent_changed"
    name: str
    description: str = ""
    permission_mode: PermissionMode
    # The tools it may use (None: all of the conversation's).
    tools: list[str] | None = None

"""What the conversation service needs from the engine: the one port the composition root
implements for every frontend (`vibe.composition.conversation_host`).

The service sits below the composition root, so it cannot build agents itself; it asks the
host, which knows the settings, the endpoint and where sessions are saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from vibe.agent.approvals import Approver
    from vibe.agent.loop import Agent
    from vibe.checkpoints.store import CheckpointStore
    from vibe.config.hooks import HookSpec
    from vibe.config.mcp_servers import McpServer
    from vibe.extensions import CommandCatalog
    from vibe.protocol.events import AgentEvent
    from vibe.session.store import SessionInfo

__all__ = ["AgentChoice", "AgentHost", "ModelChoice", "ServiceError"]


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """A model the user can pick: its name (a configured alias, or a raw id) and what it
    resolves to."""

    name: str
    model_id: str
    provider: str


@dataclass(frozen=True, slots=True)
class AgentChoice:
    """A custom agent the user can pick: its name, when to use it, and where it comes from
    (built-in, user, project)."""

    name: str
    description: str
    origin: str


class ServiceError(Exception):
    """An operation that cannot be carried out, in one sentence for the user: an unknown
    session, a model that cannot be used, a session folder that cannot be written."""

    def __init__(self, message: str, *, auth: bool = False, not_found: bool = False) -> None:
        super().__init__(message)
        # The endpoint needs a key that is missing (editors offer to authenticate).
        self.auth = auth
        # The session asked for does not exist.
        self.not_found = not_found


class AgentHost(Protocol):
    async def open_agent(self, approver: Approver, *, resume: str | None, first: bool) -> Agent:
        """A new conversation, or the saved session `resume`. `first`: the frontend's first
        conversation, which honours how vibe was started (--continue, --resume). Raises
        ServiceError."""
        ...

    async def switch_model(self, agent: Agent, name: str) -> tuple[str, AgentEvent]:
        """Points `agent` at the model `name` (a configured alias or a raw id) from its next
        request on; returns the model id and the agent's `model_changed` event. Raises
        ServiceError for a model that cannot be used."""
        ...

    async def switch_agent(self, agent: Agent, name: str) -> list[AgentEvent]:
        """Makes `agent` work as the custom agent `name` (`default`: as configured) from its next
        request on; returns its `agent_changed` event (and `model_changed` when the agent names
        a model). Raises ServiceError for an unknown agent."""
        ...

    def agents(self) -> list[AgentChoice]:
        """The agents the user can pick, `default` first."""
        ...

    def hooks(self) -> tuple[HookSpec, ...]:
        """The hooks conversations run (none with --no-hooks), each knowing its config file."""
        ...

    def models(self) -> list[ModelChoice]:
        """The models the user can pick: the start-up model (an alias or a raw id), then the
        other configured aliases."""
        ...

    def sessions(self) -> list[SessionInfo]:
        """This folder's saved sessions, newest first."""
        ...

    def checkpoints(self) -> CheckpointStore | None:
        """This folder's checkpoints (undo, redo); None when `[checkpoints] enabled` is off."""
        ...

    def commands(self) -> CommandCatalog:
        """The custom commands and user-invocable skills typed as `/name` (found on first use)."""
        ...

    def extra_checkpoints(self) -> list[tuple[Path, CheckpointStore]]:
        """Each extra workspace root (`--add-dir`) with a shadow of its own, and its checkpoints;
        empty when checkpoints are off."""
        ...

    def audit(self, record: dict[str, Any]) -> None:
        """Appends `record` to the audit log (a restore of files); raises OSError."""
        ...

    async def add_mcp_servers(self, agent: Agent, servers: dict[str, McpServer]) -> list[str]:
        """Starts `servers` (an editor's, for this session) among `agent`'s tools, confined like
        configured ones; returns one sentence for each server left out (a name already taken)."""
        ...

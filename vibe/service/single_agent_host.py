"""The engine port of a conversation around one agent that is already built (a headless run):
nothing else can be opened or switched to, and each such request is one clear refusal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vibe.agent.approvals import Approver
from vibe.agent.loop import Agent
from vibe.config.hooks import HookSpec
from vibe.config.mcp_servers import McpServer
from vibe.extensions import CommandCatalog
from vibe.protocol import events as ev
from vibe.service.host import AgentChoice, ModelChoice, ServiceError

if TYPE_CHECKING:
    from vibe.checkpoints.store import CheckpointStore
    from vibe.service.root_steps import ExtraRoot
    from vibe.session.store import SessionInfo

__all__ = ["SingleAgentHost"]


class SingleAgentHost:
    """The host of a conversation around one agent: nothing else can be opened or switched to."""

    def __init__(self, agent: Agent, commands: CommandCatalog) -> None:
        self._agent = agent
        self._commands = commands

    async def open_agent(self, approver: Approver, *, resume: str | None, first: bool) -> Agent:
        raise ServiceError("this run has one conversation; it cannot open another")

    async def switch_model(self, agent: Agent, name: str) -> tuple[str, ev.AgentEvent]:
        raise ServiceError("this run cannot switch models")

    def models(self) -> list[ModelChoice]:
        facts = self._agent.facts
        return [ModelChoice(facts.model, facts.model, facts.provider)]

    def sessions(self) -> list[SessionInfo]:
        return []

    async def switch_agent(self, agent: Agent, name: str) -> list[ev.AgentEvent]:
        raise ServiceError("this run works as one agent; choose it with --agent")

    def agents(self) -> list[AgentChoice]:
        return []

    def hooks(self) -> tuple[HookSpec, ...]:
        return ()

    def checkpoints(self) -> CheckpointStore | None:
        return None

    def commands(self) -> CommandCatalog:
        return self._commands

    def extra_checkpoints(self) -> list[ExtraRoot]:
        return []

    def audit(self, record: dict[str, Any]) -> None:
        return None

    async def add_mcp_servers(self, agent: Agent, servers: dict[str, McpServer]) -> list[str]:
        raise ServiceError("this run cannot add MCP servers")

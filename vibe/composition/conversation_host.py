"""The conversation service's engine port (`vibe.service.host.AgentHost`) over an `Engine`,
written once for every frontend: opening and resuming sessions, switching models, listing
what the user can pick. Engine failures become `ServiceError`s of one sentence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibe.agent.approvals import Approver
from vibe.agent.loop import Agent
from vibe.composition.checkpoints_wiring import checkpoint_store, extra_roots
from vibe.composition.custom_agents import DEFAULT_AGENT, UnknownAgentError, agent_catalog, work_as
from vibe.composition.engine import Engine
from vibe.composition.model_switch import switch_model
from vibe.composition.run_options import RunOptions
from vibe.composition.session_opening import SessionInUseError
from vibe.config.hooks import HookSpec
from vibe.config.mcp_servers import McpServer
from vibe.config.paths import vibe_home
from vibe.config.settings import ConfigError
from vibe.protocol.events import AgentEvent
from vibe.sandbox.base import SandboxUnavailableError
from vibe.service.host import AgentChoice, ModelChoice, ServiceError
from vibe.session.store import SessionInfo, SessionNotFoundError
from vibe.tools.fs import FileSystem

if TYPE_CHECKING:  # checkpoints load when the user undoes, not at start-up
    from vibe.checkpoints.store import CheckpointStore
    from vibe.extensions import CommandCatalog

__all__ = ["EngineHost", "missing_key"]


def missing_key(message: str) -> bool:
    return message.startswith("no API key")


class EngineHost:
    """`engine` is read at each call: a frontend may swap its engine (trusting the folder loads
    new settings) and the next conversation uses the new one."""

    def __init__(
        self,
        engine: Callable[[], Engine],
        options: RunOptions,
        *,
        base_url_flag: str | None = None,
        local_server: str | None = None,
        fs: FileSystem | None = None,
    ) -> None:
        self._engine = engine
        self._options = options
        self._base_url_flag = base_url_flag
        # The local server the user chose at start-up, where a raw model id goes (with no key).
        self._local_server = local_server
        self._fs = fs

    async def open_agent(self, approver: Approver, *, resume: str | None, first: bool) -> Agent:
        options = self._options
        if not first or resume is not None:
            options = replace(options, continue_session=False, resume=resume)
        try:
            return await self._engine().new_agent(options, approver, fs=self._fs)
        except (SessionInUseError, SandboxUnavailableError, ConfigError) as exc:
            raise ServiceError(str(exc)) from None
        except SessionNotFoundError as exc:  # after SessionInUseError, one of its kind
            raise ServiceError(str(exc), not_found=True) from None
        except OSError as exc:
            where = f" {exc.filename}" if exc.filename else ""
            raise ServiceError(f"cannot write{where}: {exc.strerror or exc}; check VIBE_HOME") from None

    async def switch_model(self, agent: Agent, name: str) -> tuple[str, AgentEvent]:
        try:
            resolved, changed = await switch_model(
                self._engine(), agent, name, self._base_url_flag, self._local_server
            )
        except ConfigError as exc:
            raise ServiceError(str(exc), auth=missing_key(str(exc))) from None
        return resolved.profile.id, changed

    async def switch_agent(self, agent: Agent, name: str) -> list[AgentEvent]:
        engine = self._engine()
        catalog = agent_catalog(engine.config, vibe_home(engine.env))
        try:
            chosen = work_as(agent, catalog, name, engine.settings.limits.max_turns)
        except UnknownAgentError as exc:
            raise ServiceError(str(exc)) from None
        definition = catalog.get(name)
        if definition is None or definition.model is None:
            return [chosen]
        _model_id, changed = await self.switch_model(agent, definition.model)
        return [chosen, changed]

    def agents(self) -> list[AgentChoice]:
        engine = self._engine()
        catalog = agent_catalog(engine.config, vibe_home(engine.env))
        return [
            AgentChoice(DEFAULT_AGENT, "as configured, with every tool", "built-in"),
            *(AgentChoice(a.name, a.description, a.origin) for a in catalog.agents.values()),
        ]

    def hooks(self) -> tuple[HookSpec, ...]:
        return self._engine().settings.hooks

    def models(self) -> list[ModelChoice]:
        engine = self._engine()
        current = engine.resolved
        choices = [ModelChoice(current.name, current.profile.id, current.provider)]
        for name, profile in engine.settings.models.items():
            if name != current.name:
                choices.append(ModelChoice(name, profile.id, profile.provider))
        return choices

    def sessions(self) -> list[SessionInfo]:
        return self._engine().sessions(self._options.cwd)

    def commands(self) -> CommandCatalog:
        return self._engine().commands()

    async def add_mcp_servers(self, agent: Agent, servers: dict[str, McpServer]) -> list[str]:
        return await self._engine().add_mcp_servers(agent, servers)

    def checkpoints(self) -> CheckpointStore | None:
        engine = self._engine()
        settings = engine.settings.checkpoints
        if not settings.enabled:
            return None
        return checkpoint_store(settings, vibe_home(engine.env), self._options.cwd)

    def extra_checkpoints(self) -> list[tuple[Path, CheckpointStore]]:
        engine = self._engine()
        settings = engine.settings.checkpoints
        if not settings.enabled:
            return []
        roots = extra_roots([self._options.cwd, *self._options.extra_roots])
        return [(root, checkpoint_store(settings, vibe_home(engine.env), root)) for root in roots]

    def audit(self, record: dict[str, Any]) -> None:
        from vibe.composition.engine import redactor
        from vibe.session.audit import AuditLog

        engine = self._engine()
        hide = redactor(engine.settings, engine.env, engine.resolved.api_key)
        AuditLog(vibe_home(engine.env) / "audit.jsonl", hide).write(record)

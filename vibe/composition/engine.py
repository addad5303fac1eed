"""Builds the concrete engine (client, tools, sandbox, policy, session, agent) from settings."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import cast, get_args

from vibe.agent.approvals import Approver
from vibe.agent.audit import AuditContext, AuditSeam
from vibe.agent.budget import Pricing, RunLimits
from vibe.agent.compaction import CompactionSettings
from vibe.agent.loop import Agent
from vibe.agent.session_facts import AgentSettings, SessionFacts
from vibe.agent.subagents import TaskTool
from vibe.agent.system_prompt import build_system_prompt
from vibe.composition.checkpoints_wiring import checkpoint_seams
from vibe.composition.custom_agents import (
    DEFAULT_AGENT,
    UnknownAgentError,
    agent_catalog,
    find_agent,
    restorable,
    work_as,
)
from vibe.composition.extensions_wiring import (
    add_skill_tool,
    command_catalog,
    extensions_for,
    extensions_notices,
)
from vibe.composition.hooks_wiring import conversation_hooks
from vibe.composition.logging_setup import setup_logging
from vibe.composition.mcp_sources import add_editor_servers, add_mcp_sources
from vibe.composition.repo_map_wiring import repo_map_builder
from vibe.composition.run_options import RunOptions
from vibe.composition.session_opening import open_session
from vibe.composition.subagent_maker import SubagentFactory
from vibe.composition.subagent_models import SubagentModels
from vibe.config.instructions import discover_instructions
from vibe.config.loader import LoadedConfig, ResolvedModel, load_config, resolve_model
from vibe.config.mcp_servers import McpServer
from vibe.config.paths import sessions_dir, vibe_home
from vibe.config.rule_store import RulesDestination
from vibe.config.secrets import Redactor, secret_values
from vibe.config.settings import ConfigError, PermissionMode, Settings
from vibe.extensions import CommandCatalog, Extensions
from vibe.model.client import ChatClient, ChatModel
from vibe.model.types import Endpoint, RetryPolicy, Sampling
from vibe.policy.engine import PermissionPolicy
from vibe.protocol.events import SandboxInfo
from vibe.sandbox.base import Sandbox, SandboxPolicy, SandboxReport
from vibe.sandbox.metadata_guard import MetadataGuard
from vibe.sandbox.probe import create_sandbox
from vibe.sandbox.switching import SwitchingSandbox
from vibe.session.audit import AuditLog
from vibe.session.store import (
    SessionInfo,
    SessionStore,
)
from vibe.tools.base import ToolContext, ToolSource
from vibe.tools.builtin import builtin_registry
from vibe.tools.fs import FileSystem, LocalFileSystem
from vibe.tools.workspace import Workspace


def build_client(settings: Settings, resolved: ResolvedModel) -> ChatClient:
    network = settings.network
    endpoint = Endpoint(
        base_url=resolved.base_url,
        api_key=resolved.api_key,
        connect_timeout=network.connect_timeout,
        idle_timeout=network.idle_timeout,
    )
    retry = RetryPolicy(
        max_attempts=network.max_attempts,
        base_delay=network.retry_base_delay,
        max_delay=network.retry_max_delay,
        total_budget=network.retry_budget,
    )
    provider = settings.providers[resolved.provider]
    return ChatClient(endpoint, retry, reasoning_format=provider.reasoning_format)


def build_agent(
    config: LoadedConfig,
    resolved: ResolvedModel,
    options: RunOptions,
    env: Mapping[str, str],
    client: ChatModel,
    approver: Approver,
    context_window: int | None,
    fs: FileSystem | None = None,
    extensions: Extensions | None = None,
    extension_notices: bool = True,
    mcp_sources: Sequence[ToolSource] | None = None,
) -> Agent:
    """`extensions`: the skills and commands found for this engine (found here when None);
    `extension_notices`: whether this conversation tells the user of broken or shadowed ones
    (once per process: its first); `mcp_sources`: the configured MCP servers' sources, already
    launched (made here when None)."""
    settings = config.settings
    home = vibe_home(env)
    if extensions is None:
        extensions = extensions_for(config, env)
    workspace = replace(
        Workspace.create(options.cwd, options.extra_roots),
        readable=tuple(skill.folder for skill in extensions.skills),
    )
    # One policy, so plan mode's read-only sandbox shares the metadata guard of the normal one.
    asked = sandbox_policy(settings, workspace)
    confined_as_asked = create_sandbox(asked, settings.sandbox.use)
    registry = builtin_registry(confined_as_asked.report, co_author=settings.git.co_author)
    add_skill_tool(registry, extensions)
    if mcp_sources is None:
        add_mcp_sources(registry, settings, workspace, home, asked)
    else:
        for source in mcp_sources:
            registry.add_source(source)
    # Built before the session opens, so a rule that contradicts its examples exits 2 cleanly.
    policy = PermissionPolicy(
        settings.permission_mode,
        settings.permissions,
        sandbox_confined=confined_as_asked.report.confined,
        auto_approve=options.auto_approve,
        rules_file=RulesDestination(workspace.cwd, env, config.trust),
    )
    read_only = replace(asked, mode="read-only")
    sandbox = SwitchingSandbox(
        confined_as_asked,
        lambda: create_sandbox(read_only, settings.sandbox.use),
        lambda: policy.mode == "plan",
    )
    catalog = agent_catalog(config, home)
    if options.agent not in (None, DEFAULT_AGENT):  # checked before a session file is made for it
        try:
            policy.set_ceiling(find_agent(catalog, options.agent).permission_mode)
        except UnknownAgentError as exc:
            raise ConfigError(f"--agent: {exc}") from None
    hide = redactor(settings, env, resolved.api_key)
    store = SessionStore(sessions_dir(home), redact=hide)
    opened = open_session(store, options, resolved.name)
    session, history, resumed = opened.writer, opened.history, opened.resumed
    saved_mode = store.saved_mode(session.info) if resumed and options.restore_mode else None
    if saved_mode in get_args(PermissionMode):
        policy.set_mode(cast(PermissionMode, saved_mode))
    profile = resolved.profile
    system_prompt = build_system_prompt(
        discover_instructions(workspace.cwd, home),
        [str(root) for root in workspace.roots[1:]],
        extensions.model_skills,
    )
    notices = list(opened.notices)
    # `--agent` chooses anew; otherwise a resumed session works as the agent it last chose.
    restored, gone = restorable(catalog, opened.saved_agent if options.agent is None else None)
    notices.extend([gone] if gone else [])
    if extension_notices:
        notices.extend(extensions_notices(extensions))
    limits = settings.limits
    audit_log = AuditLog(home / "audit.jsonl", hide)
    hooks = conversation_hooks(settings.hooks, sandbox, workspace.cwd, session.id, audit_log)
    # A subagent's calls pass the same seams: audited, checkpointed, and shown to the hooks.
    seams = [
        AuditSeam(
            audit_log,
            AuditContext(session.id, str(workspace.cwd), sandbox.report.summary, lambda: policy.mode),
        ),
        *checkpoint_seams(
            settings.checkpoints,
            home,
            workspace.roots,
            session,
            audit_log,
            warm=options.frontend in ("terminal", "editor"),
        ),
        *([hooks] if hooks is not None else []),
    ]
    subagents = SubagentFactory(
        catalog,
        lambda: create_sandbox(read_only, settings.sandbox.use),
        seams,
        SubagentModels(settings, env, resolved, build_client),
    )
    registry.register(TaskTool(subagents, approver, settings.agents.max_parallel))
    agent = Agent(
        model=client,
        tools=registry,
        tool_context=ToolContext(
            workspace=workspace,
            fs=fs or LocalFileSystem(workspace.roots),
            sandbox=sandbox,
            tool_timeout=limits.tool_timeout,
        ),
        policy=policy,
        approver=approver,
        settings=AgentSettings(
            sampling=Sampling(
                model=profile.id,
                temperature=profile.temperature,
                parallel_tool_calls=profile.parallel_tool_calls,
            ),
            system_prompt=system_prompt,
            limits=RunLimits(limits.max_turns, limits.max_tokens, limits.max_cost, limits.time_limit),
            pricing=Pricing(profile.input_price, profile.output_price),
            context_window=context_window or profile.context_window,
            compaction=CompactionSettings(
                auto=settings.compaction.auto,
                threshold=settings.compaction.threshold,
                keep_recent=settings.compaction.keep_recent,
            ),
            vision=profile.vision,
        ),
        facts=SessionFacts(
            session_id=session.id,
            resumed=resumed,
            cwd=str(workspace.cwd),
            workspace_roots=[str(root) for root in workspace.roots],
            model=profile.id,
            provider=resolved.provider,
            base_url=resolved.base_url,
            permission_mode=policy.mode,
            sandbox=sandbox.report.summary,
            sandbox_info=sandbox_info(sandbox.report),
            untrusted_keys=list(config.trust.ignored),
            forked_from=opened.forked_from,
            notices=[*notices, *catalog.problems],
            restored_agent=restored,
        ),
        session=session,
        history=history,
        seams=seams,
        hooks=hooks,
        repo_map=repo_map_builder(settings.context, workspace.cwd),
    )
    subagents.parent = agent
    chosen = options.agent or (restored if restored != DEFAULT_AGENT else None)
    if chosen is not None:
        work_as(agent, catalog, chosen, limits.max_turns)
    return agent


def build_sandbox(settings: Settings, workspace: Workspace) -> Sandbox:
    """Probes the backends and returns the strongest that works; raises SandboxUnavailableError
    (one sentence) when `require` was asked for and none does."""
    return create_sandbox(sandbox_policy(settings, workspace), settings.sandbox.use)


def sandbox_policy(settings: Settings, workspace: Workspace) -> SandboxPolicy:
    """The policy for the workspace, with a fresh metadata guard (idle until the first command)."""
    sandbox = settings.sandbox
    return SandboxPolicy(
        mode=sandbox.mode,
        writable_roots=workspace.roots,
        network=sandbox.network,
        protected=sandbox.protected,
        guard=MetadataGuard(workspace.roots, sandbox.protected),
        env_passthrough=sandbox.env_passthrough,
        secret_names=key_variables(settings),
    )


def key_variables(settings: Settings) -> tuple[str, ...]:
    """Every provider's key variable: never passed to confined processes, never written down."""
    return tuple(p.api_key_env for p in settings.providers.values() if p.api_key_env)


def redactor(settings: Settings, env: Mapping[str, str], api_key: str | None) -> Redactor:
    """What sessions, logs and the audit log hide: the key in use and every secret in `env`."""
    return Redactor([*(v for v in (api_key,) if v), *secret_values(env, key_variables(settings))])


def sandbox_info(report: SandboxReport) -> SandboxInfo:
    return SandboxInfo(
        backend=report.backend,
        confined=report.confined,
        mode=report.mode,
        network=report.network,
        enforced=list(report.enforced),
        not_enforced=list(report.not_enforced),
        warning=report.warning,
    )


class Engine:
    """What a long-lived frontend (TUI, editor) holds: settings, the model client, and a factory
    for agents. One `Engine` per process; one `Agent` per conversation."""

    def __init__(
        self, config: LoadedConfig, resolved: ResolvedModel, env: Mapping[str, str], client: ChatClient
    ) -> None:
        self.config = config
        self.settings = config.settings
        self.resolved = resolved
        self.env = env
        self.client = client
        self._context_window: int | None = resolved.profile.context_window
        # Clients of the other models conversations switched to, one per resolved model, kept
        # until the engine closes: switching back and forth reuses them (see model_switch).
        self._other_clients: list[tuple[ResolvedModel, ChatClient]] = []
        self._extensions: Extensions | None = None
        self._told_extensions = False
        # Conversations whose configured MCP servers start with the frontend's (`add_mcp_servers`).
        self._configured_mcp_pending: weakref.WeakSet[Agent] = weakref.WeakSet()

    @classmethod
    def load(
        cls, cwd: Path, env: Mapping[str, str], flags: Mapping[str, object], base_url: str | None = None
    ) -> Engine:
        """Reads the config layers for `cwd`; raises ConfigError with one clear sentence."""
        config = load_config(cwd, env, flags)
        return cls.for_model(config, resolve_model(config.settings, env, base_url), env)

    @classmethod
    def for_model(cls, config: LoadedConfig, resolved: ResolvedModel, env: Mapping[str, str]) -> Engine:
        """An engine for settings already read and a model already resolved (a local server's)."""
        setup_logging(vibe_home(env), redactor(config.settings, env, resolved.api_key))
        return cls(config, resolved, env, build_client(config.settings, resolved))

    async def context_window(self) -> int | None:
        if self._context_window is None:
            self._context_window = await self.client.context_window(self.resolved.profile.id)
        return self._context_window

    def client_for(self, resolved: ResolvedModel) -> ChatClient:
        """The client for `resolved` under this engine's network settings: its own for its own
        model, else one built on first use and kept."""
        if resolved == self.resolved:
            return self.client
        # A list, not a dict: a resolved model need not be hashable, and there are only a few.
        for known, client in self._other_clients:
            if known == resolved:
                return client
        client = build_client(self.settings, resolved)
        self._other_clients.append((resolved, client))
        return client

    def extensions(self) -> Extensions:
        """This engine's skills and custom commands, found on first use (not at start-up)."""
        if self._extensions is None:
            self._extensions = extensions_for(self.config, self.env)
        return self._extensions

    def commands(self) -> CommandCatalog:
        return command_catalog(self.extensions())

    async def new_agent(self, options: RunOptions, approver: Approver, fs: FileSystem | None = None) -> Agent:
        """A fresh or resumed conversation; raises SessionNotFoundError for an unknown id."""
        window = await self.context_window()
        extensions = await asyncio.to_thread(self.extensions)
        tell, self._told_extensions = not self._told_extensions, True
        agent = build_agent(
            self.config,
            self.resolved,
            options,
            self.env,
            self.client,
            approver,
            window,
            fs,
            extensions=extensions,
            extension_notices=tell,
            mcp_sources=() if options.mcp_with_frontends else None,
        )
        if options.mcp_with_frontends:
            # Loading the MCP client and spawning its process and the servers would add some
            # 20 ms to an editor's session/new: they start with the editor's, after the answer.
            self._configured_mcp_pending.add(agent)
        else:
            await agent.start_tools()
        return agent

    async def add_mcp_servers(self, agent: Agent, servers: Mapping[str, McpServer]) -> list[str]:
        """Starts `servers` (an editor's, for this session) among `agent`'s tools, confined like
        configured stdio servers, and the configured ones if they wait for this; returns a
        sentence for each one left out."""
        configured_too = agent in self._configured_mcp_pending
        self._configured_mcp_pending.discard(agent)
        workspace = agent.tool_context.workspace
        asked = sandbox_policy(self.settings, workspace)
        notes = add_editor_servers(
            agent.tools, self.settings, workspace, vibe_home(self.env), asked, servers, configured_too
        )
        await agent.start_tools()
        return notes

    def sessions(self, cwd: Path) -> list[SessionInfo]:
        """This directory's saved sessions, newest first (for /resume pickers and session lists)."""
        return SessionStore(sessions_dir(vibe_home(self.env))).sessions_for(cwd)

    async def aclose(self) -> None:
        for _resolved, client in self._other_clients:
            await client.aclose()
        self._other_clients.clear()
        await self.client.aclose()

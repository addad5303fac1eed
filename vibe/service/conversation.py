"""The conversation service: one conversation with the agent, for every frontend.

Frontends submit operations (`vibe.protocol.operations`) and render the events that come back;
what a conversation is — its agent, session, totals, permission mode and model, approvals,
replay of a saved session — lives here, written once. The terminal UI, editor mode and headless
runs differ only in how they show events and how the user answers.

`submit(op)` is an async iterator of the events the operation causes, ended when it is done:
a prompt or a compaction streams its run to the `result`; a mode or model switch answers with
`mode_changed` / `model_changed`; resuming a session tells the saved conversation again; an
interrupt or an approval reply answers nothing (the running prompt's stream tells the rest).
An operation that cannot be carried out at all (an unknown session, a model that cannot be used)
raises `ServiceError` before anything changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from vibe.agent.approvals import Approver
from vibe.agent.budget import estimate_tokens
from vibe.agent.loop import Agent
from vibe.agent.replay import replay_saved
from vibe.agent.run_result import bare_result
from vibe.agent.session_facts import SessionFacts
from vibe.config.hooks import HookSpec
from vibe.config.mcp_servers import McpServer
from vibe.config.settings import PermissionMode
from vibe.extensions import CommandCatalog, DefinitionError, Expansion
from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.service.approvals import ReplyApprover
from vibe.service.host import AgentChoice, AgentHost, ModelChoice, ServiceError
from vibe.service.mcp_prompts import MCP_PREFIX, prompt_commands, settle_sources
from vibe.service.mcp_servers import McpServerView, restart_server, server_views
from vibe.service.single_agent_host import SingleAgentHost
from vibe.service.totals import Totals
from vibe.service.undo import step_back_or_forth
from vibe.tools.base import ToolError, ToolResult

if TYPE_CHECKING:
    from vibe.session.store import SessionInfo

__all__ = ["USER_COMMAND_TIMEOUT", "Conversation"]

# Seconds a user's own `!command` may run: the longest the bash tool allows the model.
USER_COMMAND_TIMEOUT = 600


class Conversation:
    """Holds at most one agent at a time; /new and /resume replace it, keeping the model the
    user picked. `approver`: who answers approvals; by default the frontend, through
    `ApprovalReply` operations (headless passes its own, which needs no one)."""

    def __init__(self, host: AgentHost, approver: Approver | None = None) -> None:
        self._host = host
        self._replies = ReplyApprover()
        self._approver: Approver = approver or self._replies
        self._agent: Agent | None = None
        # What the user picked with /model (an alias or an id): it sticks across /new and /resume.
        self._model_choice: str | None = None
        # The custom agent picked with /agent: it sticks across /new and /resume too.
        self._agent_choice: str | None = None
        # Who hears an MCP server's notice while no prompt runs (`watch`).
        self._between_runs: Callable[[ev.AgentEvent], None] | None = None
        # Warnings about MCP prompts that lost their name to another command, once told.
        self._told_warnings: set[str] = set()
        # A prompt's `/command` being expanded (an MCP server fetching it): what Esc cancels first.
        self._expanding: asyncio.Future[Expansion | None] | None = None
        self.totals = Totals()

    @classmethod
    def around(cls, agent: Agent, commands: CommandCatalog | None = None) -> Conversation:
        """A conversation of one agent, opened already, that cannot switch to another agent or
        model (a headless run: built for its one prompt, as fast as possible)."""
        conversation = cls(SingleAgentHost(agent, commands or CommandCatalog()))
        conversation._agent = agent
        agent.watch_tools()
        return conversation

    # -- opening --------------------------------------------------------------------------------

    async def open(self, resume: str | None = None) -> None:
        """Opens the conversation vibe was started for (a new one, or what --continue and
        --resume ask for), or the saved session `resume`. Raises ServiceError."""
        await self._replace(resume, first=True)

    async def _replace(self, resume: str | None, *, first: bool = False) -> None:
        """Raises ServiceError and keeps the current conversation if the new one cannot open."""
        agent = await self._host.open_agent(self._approver, resume=resume, first=first)
        if self._model_choice is not None:  # /model sticks across /new and /resume
            try:
                await self._host.switch_model(agent, self._model_choice)
            except ServiceError:
                await agent.aclose()
                raise
        restored = agent.facts.restored_agent  # a resumed session works as it last chose
        if restored is not None:
            self._agent_choice = None if restored == "default" else restored
            if self._agent_choice is not None:
                try:  # again through the host, which also switches to the agent's own model
                    await self._host.switch_agent(agent, self._agent_choice)
                except ServiceError as exc:
                    agent.facts.notices.append(str(exc))
        elif self._agent_choice is not None:
            try:
                await self._host.switch_agent(agent, self._agent_choice)
            except ServiceError:
                await agent.aclose()
                raise
        old, self._agent = self._agent, agent
        agent.watch_tools(self._between_runs)
        self.totals = Totals()
        if old is not None:
            self._replies.cancel_pending()
            await old.aclose()  # its session file; the conversation stays resumable

    def watch(self, between_runs: Callable[[ev.AgentEvent], None]) -> None:
        """Events that happen on their own while no prompt runs (an MCP server failed or died)
        go to `between_runs`; during a prompt they are in its stream. Kept across /new and
        /resume."""
        self._between_runs = between_runs
        if self._agent is not None:
            self._agent.watch_tools(between_runs)

    def mcp_servers(self) -> list[McpServerView]:
        """The session's MCP servers: state, tools, confinement and schema cost."""
        return server_views(self.agent) if self._agent is not None else []

    async def add_mcp_servers(self, servers: dict[str, McpServer]) -> list[str]:
        """Starts servers the frontend passes for this session (an editor's `mcpServers`) with the
        current conversation's tools; returns notices about servers that were not added."""
        return await self._host.add_mcp_servers(self.agent, servers)

    async def aclose(self) -> None:
        self._replies.cancel_pending()
        if self._agent is not None:
            await self._agent.aclose()

    # -- what frontends show ------------------------------------------------------------------

    @property
    def agent(self) -> Agent:
        if self._agent is None:
            raise RuntimeError("the conversation is not open yet")
        return self._agent

    @property
    def is_open(self) -> bool:
        return self._agent is not None

    @property
    def has_history(self) -> bool:
        """Something was said in it (worth resuming)."""
        return self._agent is not None and bool(self._agent.history)

    @property
    def facts(self) -> SessionFacts:
        return self.agent.facts

    @property
    def session_id(self) -> str:
        return self.agent.session_id

    @property
    def mode(self) -> PermissionMode:
        return self.agent.policy.mode

    @property
    def model_name(self) -> str:
        """The model as the user chose it (an alias, or a raw id)."""
        return self._model_choice or self.models()[0].name

    @property
    def context_window(self) -> int | None:
        return self.agent.settings.context_window

    @property
    def reads_images(self) -> bool:
        """Whether the model in use reads images (its profile's `vision`)."""
        return self.agent.settings.vision

    @property
    def pending_approvals(self) -> list[str]:
        """Call ids of the questions waiting for an `ApprovalReply`."""
        return [request.call_id for request in self._replies.pending]

    def models(self) -> list[ModelChoice]:
        return self._host.models()

    @property
    def commands(self) -> CommandCatalog:
        """The `/name` commands that become a prompt (custom commands, user-invocable skills, and
        the prompts of the MCP servers that are ready)."""
        catalog = self._host.commands()
        if self._agent is None:
            return catalog
        prompts = prompt_commands(self._agent)
        return catalog.joined(prompts) if prompts else catalog

    async def commands_settled(self) -> list[str]:
        """Waits until the conversation's MCP servers have listed their prompts (or given up);
        returns the warnings about prompts that lost their name to another command that were
        not returned before (a frontend tells them, and refreshes the commands it offers)."""
        if self._agent is None:
            return []
        await settle_sources(self._agent)
        return self.untold_command_warnings()

    def untold_command_warnings(self) -> list[str]:
        """Warnings about MCP prompts dropped for a name collision, each returned once."""
        known = set(self._host.commands().warnings)  # told by the extensions' own notices
        fresh = [w for w in self.commands.warnings if w not in known and w not in self._told_warnings]
        self._told_warnings.update(fresh)
        return fresh

    def agents(self) -> list[AgentChoice]:
        return self._host.agents()

    def hooks(self) -> tuple[HookSpec, ...]:
        return self._host.hooks()

    @property
    def agent_name(self) -> str:
        """The custom agent the conversation works as (`default`: as configured)."""
        return self._agent_choice or "default"

    def sessions(self) -> list[SessionInfo]:
        """This folder's other saved sessions, newest first."""
        current = self._agent.session_id if self._agent is not None else None
        return [info for info in self._host.sessions() if info.id != current]

    def checkpoints_size(self) -> int | None:
        """Bytes this folder's checkpoints take on disk (with those of the `--add-dir` roots);
        None when checkpoints are off. Walks the stores: call it from a thread."""
        store = self._host.checkpoints()
        if store is None:
            return None
        stores = [store, *(extra for _root, extra in self._host.extra_checkpoints())]
        return sum(each.shadow.disk_usage() for each in stores if each.shadow.exists)

    def does_not_fit(self, text: str) -> str | None:
        """Why a prompt can never be answered: larger than the model's whole context window
        (once in the conversation it would make every later prompt fail too); None if it fits."""
        window = self.context_window
        tokens = estimate_tokens(len(text))
        if window is not None and tokens >= window:
            return (
                f"the prompt (about {tokens:,} tokens) is larger than the model's context window "
                f"({window:,} tokens); attach less text"
            )
        return None

    async def replay(self) -> list[ev.AgentEvent]:
        """The saved conversation told again as events (for a resumed session)."""
        return await replay_saved(self.agent)

    # -- operations ---------------------------------------------------------------------------

    async def submit(self, operation: op.Operation) -> AsyncIterator[ev.AgentEvent]:
        match operation:
            case op.Prompt(text=text, images=images):
                expanding = asyncio.ensure_future(self._expand(text))
                self._expanding = expanding
                try:
                    expansion = await expanding
                except asyncio.CancelledError:
                    current = asyncio.current_task()
                    if current is not None and current.cancelling():
                        raise  # the caller's own cancellation, not Esc
                    # Esc while an MCP server was still to give the prompt (or list its prompts).
                    facts = self.agent.facts
                    yield bare_result(facts.session_id, facts.untrusted_keys, "interrupted", "cancelled")
                    return
                finally:
                    self._expanding = None
                if expansion is not None:
                    command = expansion.command
                    yield self.agent.announce(
                        ev.CommandRun(
                            name=command.name,
                            source=command.source,
                            path=str(command.path) if command.path is not None else None,
                            arguments=expansion.arguments,
                        )
                    )
                    text = expansion.prompt
                events = self.agent.run(text, images)
            case op.Compact(instructions=instructions):
                events = self.agent.compact(instructions)
            case op.Interrupt():
                self.interrupt()
                return
            case op.ApprovalReply():
                self._replies.reply(operation)
                return
            case op.SetMode(mode=mode):
                yield self.agent.set_mode(mode)
                return
            case op.SetModel(name=name):
                yield await self._set_model(name)
                return
            case op.SetAgent(name=name):
                for event in await self._host.switch_agent(self.agent, name):
                    yield event
                self._agent_choice = name
                return
            case op.NewConversation():
                await self._replace(None)
                return
            case op.ResumeConversation(session_id=session_id):
                await self._replace(session_id)
                for event in await self.replay():
                    yield event
                return
            case op.Undo() | op.Redo():
                answer = await step_back_or_forth(
                    self._host.checkpoints(), operation, self.session_id, self._host.extra_checkpoints()
                )
                yield self._said(answer)
                return
            case op.Rewind():
                from vibe.service.rewind import rewind

                extras = self._host.extra_checkpoints()
                for answer in await rewind(self.agent, self._host.checkpoints(), operation, extras):
                    yield self._said(answer)
                return
            case op.RestartMcpServer(name=name):
                for event in await restart_server(self.agent, name):
                    yield self.agent.announce(event)
                return
        async for event in events:
            self.totals.count(event)
            yield event

    def _said(self, event: ev.AgentEvent) -> ev.AgentEvent:
        """`event` numbered in the conversation's order; a restore is also written down in the
        session file and the audit log, as the checkpoint it restores was."""
        numbered = self.agent.announce(event)
        if isinstance(numbered, ev.CheckpointRestored):
            from vibe.service.restore_records import record_restore

            record_restore(numbered, self.agent.record, self._host.audit, self.session_id)
        return numbered

    async def run_user_command(self, command: str, on_output: Callable[[str], None]) -> ToolResult:
        """`!command`: the user's own shell command, run exactly as the bash tool runs the model's
        (the same sandbox, environment, time limit and output handling), streamed to `on_output`.
        No policy asks: the user typed it. Not added to the conversation: the model did not ask
        for it. Cancelling stops the command's whole process group."""
        bash = self.agent.tools.get("bash", even_hidden=True)  # a custom agent limits the model, not the user
        if bash is None:
            return ToolResult.error("this conversation has no shell tool")
        context = replace(self.agent.tool_context, emit_output=on_output)
        try:
            prepared = await bash.prepare(
                bash.parse({"command": command, "timeout_seconds": USER_COMMAND_TIMEOUT}), context
            )
        except ToolError as exc:
            return ToolResult.error(str(exc))
        if isinstance(prepared, ToolResult):
            return prepared
        return await prepared.execute()

    async def _expand(self, text: str) -> Expansion | None:
        """`/name args` naming a custom command, skill or MCP prompt → its prompt; None: sent as
        typed. An MCP prompt typed before its server has listed it waits for the servers (as a
        headless run's first request does)."""
        if not text.lstrip().startswith("/"):
            return None
        catalog = self.commands
        name = catalog.typed_name(text)
        if name is not None and name.startswith(MCP_PREFIX) and catalog.find(name) is None:
            await settle_sources(self.agent)
            catalog = self.commands
        try:
            return await catalog.expand(text)
        except DefinitionError as exc:  # a skill's file changed since it was listed
            raise ServiceError(str(exc)) from None

    def interrupt(self) -> None:
        """Ends the running prompt (its stream ends with a `cancelled` result) and answers every
        open question "no"; usable from a key handler, outside any event loop task."""
        self._replies.cancel_pending()
        if self._expanding is not None:
            self._expanding.cancel()
        if self._agent is not None:
            self._agent.cancel()

    async def _set_model(self, name: str) -> ev.AgentEvent:
        _model_id, changed = await self._host.switch_model(self.agent, name)
        self._model_choice = name
        return changed

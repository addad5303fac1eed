"""The agent loop: `Agent.run(prompt)` yields events until the model stops or a limit is hit.

The loop runs in its own task and publishes events through a queue, so tool output and approval
requests from concurrent tools reach the frontend as they happen. `cancel()` (or cancelling the
consumer) cancels that task: tool processes are killed by their own cancellation handling, the
conversation is closed off validly, and the last event is still a `result` (reason `cancelled`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibe.agent.approvals import Approver, Policy
from vibe.agent.budget import Spend
from vibe.agent.call_ids import CallIds
from vibe.agent.call_seams import CallSeam
from vibe.agent.charges import charge, charge_cut_turn
from vibe.agent.compaction import is_due, window_after_overflow
from vibe.agent.compaction_run import compact_conversation, compaction_run
from vibe.agent.dispatch import ToolDispatcher
from vibe.agent.event_pump import EventPump
from vibe.agent.parent_run import ParentRun
from vibe.agent.repeat_guard import RepeatedFailureError
from vibe.agent.repo_map_context import MapBuilder
from vibe.agent.request_frame import RequestFrame
from vibe.agent.run_end import ImagesNotReadError, RefusedError, does_not_fit
from vibe.agent.run_outcome import outcome_of, why_cut
from vibe.agent.run_result import bare_result, run_result
from vibe.agent.session_facts import AgentSettings, SessionFacts, session_started
from vibe.agent.source_notices import relay_source_notices
from vibe.agent.transcript import Transcript
from vibe.agent.turn import TurnState, stream_turn
from vibe.agent.view_recorder import CallViewRecorder
from vibe.config.settings import PermissionMode
from vibe.messages import (
    AssistantMessage,
    ImageAttachment,
    Message,
    SystemMessage,
    ToolMessage,
    UserMessage,
)
from vibe.model.client import ChatModel
from vibe.model.types import ModelError
from vibe.notes import (
    NO_REPLY_NOTE,
    cut_short,
    unfinished_call,
    without_images,
)
from vibe.protocol import events as ev
from vibe.session.records import ModeRecord, Record
from vibe.session.store import SessionWriter
from vibe.tools.base import ToolContext, ToolRegistry

if TYPE_CHECKING:  # built only when hooks are configured
    from vibe.agent.hook_points import ConversationHooks

__all__ = ["Agent"]


class Agent:
    def __init__(
        self,
        *,
        model: ChatModel,
        tools: ToolRegistry,
        tool_context: ToolContext,
        policy: Policy,
        approver: Approver,
        settings: AgentSettings,
        facts: SessionFacts,
        session: SessionWriter | None = None,
        history: list[Message] | None = None,
        observers: Sequence[Callable[[ev.AgentEvent], None]] = (),
        seams: Sequence[CallSeam] = (),
        hooks: ConversationHooks | None = None,
        repo_map: MapBuilder | None = None,
    ) -> None:
        self._model = model
        self._tools = tools
        self._tool_context = tool_context
        self._policy = policy
        self._approver = approver
        self._settings = settings
        self._facts = facts
        # The history and the session file, changed together.
        self._transcript = Transcript(session, facts.session_id, history)
        # Around every tool call, whatever the tool (the audit log, checkpoints, hooks).
        self._seams = tuple(seams)
        # The user's hooks at the prompt and at the end of a turn (around calls they are a seam).
        self._hooks = hooks
        # Told of every event as it is emitted, whatever frontend consumes the run. The
        # call-view recorder saves how tool calls were shown, for replaying the session.
        self._pump = EventPump((*observers, CallViewRecorder(lambda: self._transcript.log.writer)))
        self._call_ids = CallIds(self.history)
        # The system prompt (with the repository map) and tool specs, and the size of a request.
        self._frame = RequestFrame(tools, lambda: self._settings.system_prompt, repo_map)
        self._announced = False
        self._turn_counter = 0

    # -- public API -------------------------------------------------------------------------

    @property
    def session_id(self) -> str:
        return self._facts.session_id

    @property
    def facts(self) -> SessionFacts:
        return self._facts

    @property
    def history(self) -> list[Message]:
        """The conversation as it will be sent; change it only through the agent."""
        return self._transcript.messages

    @property
    def session_file(self) -> Path | None:
        """The file this conversation is saved in (None when it is not saved)."""
        return self._transcript.path

    @property
    def model(self) -> ChatModel:
        return self._model

    @property
    def settings(self) -> AgentSettings:
        return self._settings

    @property
    def tool_context(self) -> ToolContext:
        """Where the tools run (workspace, sandbox, file system): for frontends that run a user's
        own `!command` under the same confinement."""
        return self._tool_context

    def close(self) -> None:
        """Ends the conversation: cancels a running turn and closes the session file."""
        self.cancel()
        self._frame.repo_map.close()
        self._transcript.close()

    @property
    def tools(self) -> ToolRegistry:
        """The conversation's tools; their sources are started and stopped by whoever owns the
        conversation (`start_tools`, `aclose`)."""
        return self._tools

    def watch_tools(self, between_runs: Callable[[ev.AgentEvent], None] | None = None) -> None:
        """Tool sources' notices (an MCP server failed or died) become `mcp_server_notice` events:
        in the running prompt's stream, or handed to `between_runs` while none runs (held for
        the next run without one)."""
        self._pump.between_runs(between_runs)
        relay_source_notices(self._tools, self._pump)

    async def start_tools(self) -> None:
        """Starts the registry's tool sources; their tools join at the next model request."""
        await self._tools.start()

    async def aclose(self) -> None:
        """`close`, then stops the tool sources (servers the conversation started)."""
        self.close()
        await self._tools.aclose()

    @property
    def policy(self) -> Policy:
        """The live policy (its mode is switched through `set_mode`)."""
        return self._policy

    def set_mode(self, mode: PermissionMode) -> ev.AgentEvent:
        """Switch the permission mode; the session remembers it, so loading it restores it.
        Returns the `mode_changed` event saying so."""
        self._policy.set_mode(mode)
        self._facts = replace(self._facts, permission_mode=mode)
        self._transcript.write(ModeRecord(mode=mode))
        return self._pump.announce(ev.ModeChanged(permission_mode=mode))

    def announce(self, event: ev.AgentEvent) -> ev.AgentEvent:
        """`event`, numbered in the order of everything the agent said, for something done to
        the conversation between runs (a custom command expanded, an undo, a rewind); the
        observers are told of it."""
        return self._pump.announce(event)

    def switch_agent(self, settings: AgentSettings, changed: ev.AgentEvent) -> ev.AgentEvent:
        """A custom agent's prompt and limits from the next run on; returns `changed`, announced."""
        self._settings = settings
        return self.announce(changed)

    def record(self, record: Record) -> None:
        """Adds `record` to the session file (a restore of the files, say)."""
        self._transcript.write(record)

    def rewind_to(self, index: int, prompt: int) -> int:
        """The conversation continues from before history[index] (prompt `prompt`, numbered from
        1): what follows is forgotten, here and (by a retract record) in the session, so a
        resumed session continues from there too. Returns how many messages were dropped."""
        # The call ids seen stay taken: the session's call records are keyed by them.
        return self._transcript.rewind_to(index, prompt)

    def use_context_window(self, window: int | None) -> None:
        """The window the endpoint reported (its /models), when the profile did not configure one."""
        if window is not None:
            self._settings = replace(self._settings, context_window=window)

    def switch_model(
        self, model: ChatModel, settings: AgentSettings, model_name: str, *, chosen_as: str | None = None
    ) -> ev.AgentEvent:
        """Use another model from the next request on (TUI /model, ACP model selection).
        `model_name` is the id sent to the endpoint; `chosen_as` the alias the user picked it by.
        Returns the `model_changed` event saying so."""
        self._model = model
        self._settings = settings
        self._frame.respec()
        self._facts = replace(self._facts, model=model_name)
        return self._pump.announce(
            ev.ModelChanged(
                model=model_name, name=chosen_as or model_name, context_window=settings.context_window
            )
        )

    async def run(self, prompt: str, images: Sequence[ImageAttachment] = ()) -> AsyncIterator[ev.AgentEvent]:
        """`images`: attached to the prompt; a model without vision ends the run before any
        request (`no_vision`)."""
        incoming = UserMessage(content=prompt, images=tuple(images))
        async for event in self._pump.drive(lambda emit: self._run(incoming, emit), self._cancelled_early):
            yield event

    async def compact(self, instructions: str | None = None) -> AsyncIterator[ev.AgentEvent]:
        """/compact: summarise the conversation now (optionally focused as the user asks).
        Emits the compaction events, then a result, like a run."""
        work = self._pump.drive(lambda emit: self._run_compaction(instructions, emit), self._cancelled_early)
        async for event in work:
            yield event

    def cancel(self) -> None:
        """Ends the running `run()`; its last event will be a result with reason `cancelled`."""
        self._pump.cancel()

    # -- the loop ---------------------------------------------------------------------------

    async def _run(self, incoming: UserMessage, emit: ev.Emit) -> None:
        started = time.monotonic()
        spend = Spend(limits=self._settings.limits, pricing=self._settings.pricing)
        self._transcript.log.emit = emit
        parent = ParentRun(emit, spend)
        dispatcher = ToolDispatcher(
            self._tools, self._tool_context, self._policy, self._approver, emit, self._seams, parent
        )
        if not self._announced:
            self._announced = True
            emit(session_started(self._facts, self._settings.context_window, self._tools.names()))
        body = self._loop(incoming, spend, dispatcher, emit)
        outcome = await outcome_of(body, spend.time_left(), emit, self._transcript.last_assistant_text)
        duration_ms = int((time.monotonic() - started) * 1000)
        result = run_result(
            self._facts.session_id,
            outcome.stop,
            outcome.final_text,
            spend,
            duration_ms,
            dispatcher.stats,
            error=outcome.error,
            error_kind=outcome.error_kind,
            untrusted_keys=self._facts.untrusted_keys,
        )
        self._end(emit, result)

    async def _loop(
        self, incoming: UserMessage, spend: Spend, dispatcher: ToolDispatcher, emit: ev.Emit
    ) -> tuple[ev.StopReason, str]:
        if incoming.images and not self._settings.vision:
            raise ImagesNotReadError(self._settings.sampling.model)
        if self._hooks is not None:  # may refuse the prompt before anything is kept
            incoming = await self._hooks.prompt(incoming, self._facts.resumed, emit)
        if self.history and isinstance(self.history[-1], ToolMessage | UserMessage):
            self._transcript.append(AssistantMessage(note=NO_REPLY_NOTE))
        self._transcript.append(incoming)
        await self._frame.repo_map.at_prompt(incoming.content)
        final_text = ""
        # A failed or ineffective compaction is not retried (each try costs a request) until the
        # next prompt.
        compaction_blocked = False
        refusal: str | None = None  # an endpoint's "too long" (acted on once per prompt)
        while True:
            self._frame.refresh_specs()  # before measuring: tools that joined count in the request
            window = self._settings.context_window
            estimate = self._frame.tokens(self.history)
            due = is_due(self._settings.compaction, window, estimate)
            # Not when the budget could not pay for it: the summary request is about as big.
            if due and not compaction_blocked and spend.exceeded_before_request(estimate) is None:
                failed = await self._compact("auto", emit, spend) is not None
                estimate = self._frame.tokens(self.history)
                compaction_blocked = failed or is_due(self._settings.compaction, window, estimate)
            history = self.history if self._settings.vision else without_images(self.history)
            messages = [SystemMessage(content=self._frame.system_prompt()), *history]
            limit = spend.exceeded_before_request(estimate)
            if limit is not None:
                return limit, final_text  # pyright: ignore[reportReturnType]
            if window is not None and estimate > window:
                first = spend.turns == 0 and bool(self.history) and self.history[-1] is incoming
                if first:
                    self._transcript.retract_last()
                raise does_not_fit(estimate, window, prompt_kept=not first, refusal=refusal)
            self._turn_counter += 1
            state = TurnState(turn_id=f"t{self._turn_counter}")
            emit(ev.TurnStarted(turn_id=state.turn_id, turn=spend.turns + 1))
            try:
                specs, sampling = self._frame.specs, self._settings.sampling
                await stream_turn(self._model, messages, specs, sampling, state, emit)
            except asyncio.CancelledError:
                charge_cut_turn(spend, state, estimate, emit)
                if state.full_text:  # keep what the user saw, marked, so the next prompt has context
                    why = why_cut(spend)
                    self._transcript.append(AssistantMessage(content=state.full_text, note=cut_short(why)))
                raise
            except ModelError as exc:
                # The endpoint says it did not fit (a window we did not know, or counted low):
                # learn the window, then compact and try the turn once more.
                learned = window_after_overflow(exc, window, estimate)
                if learned is None or refusal is not None:
                    raise
                refusal, compaction_blocked = exc.message, False
                self.use_context_window(learned)
                continue
            spend.turns += 1
            if state.usage is not None:
                self._frame.calibrate(messages, state.usage.prompt_tokens)
                charge(spend, state.usage, state.turn_id, emit)
            # A filtered answer may be cut anywhere, its calls too: none of them is run.
            filtered = state.finish == "content_filter"
            calls = [] if filtered else [self._call_ids.unique(call) for call in state.tool_calls]
            message = AssistantMessage(
                content=state.full_text, reasoning=state.full_reasoning, tool_calls=tuple(calls)
            )
            self._transcript.append(message)
            emit(
                ev.AssistantMessage(
                    turn_id=state.turn_id,
                    text=message.content,
                    reasoning=message.reasoning,
                    tool_call_ids=[call.id for call in calls],
                )
            )
            if message.content.strip():
                final_text = message.content
            if not calls:
                if state.finish == "length":
                    return "model_length", final_text
                if filtered:
                    raise RefusedError(state.refusal, final_text)
                if self._hooks is not None and (back := await self._hooks.stop(final_text, emit)):
                    self._transcript.append(back)  # a stop hook sends the model back to work
                    continue
                return "end_turn", final_text
            results: dict[str, ToolMessage] = {}
            try:
                await dispatcher.run_calls(state.turn_id, calls, results)
            finally:
                cut = unfinished_call(why_cut(spend))
                dispatcher.close_cut_calls(calls, cut)
                for call in calls:  # answered in call order; cancelled ones answered too
                    self._transcript.append(
                        results.get(call.id) or ToolMessage(tool_call_id=call.id, name=call.name, content=cut)
                    )
            if dispatcher.repeats.stopped is not None:
                raise RepeatedFailureError(dispatcher.repeats.stopped)

    # -- compaction -------------------------------------------------------------------------

    async def _run_compaction(self, instructions: str | None, emit: ev.Emit) -> None:
        self._transcript.log.emit = emit
        compact = partial(self._compact, "manual", emit, instructions=instructions)
        self._end(emit, await compaction_run(compact, self._settings, self._bare_result, emit))

    async def _compact(
        self, trigger: ev.CompactionTrigger, emit: ev.Emit, spend: Spend, instructions: str | None = None
    ) -> str | None:
        return await compact_conversation(
            self._transcript, self._frame, self._model, self._settings, trigger, emit, spend, instructions
        )

    # -- helpers ----------------------------------------------------------------------------

    def _cancelled_early(self) -> ev.Result:
        result = self._bare_result("interrupted", "cancelled")
        self._transcript.save_result(result)  # the session says how every run ended, this one too
        return result

    def _end(self, emit: ev.Emit, result: ev.Result) -> None:
        self._transcript.save_result(result)
        emit(result)

    def _bare_result(self, status: ev.ResultStatus, stop: ev.StopReason, **details: Any) -> ev.Result:
        return bare_result(self._facts.session_id, self._facts.untrusted_keys, status, stop, **details)

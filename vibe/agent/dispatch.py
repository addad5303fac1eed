"""Runs the tool calls of one model turn: validate, prepare, decide, execute, report.

No tool is special-cased here: every tool goes through the same steps, and a bad call (unknown
tool, invalid arguments, a tool's own refusal) becomes a result the model can read. Consecutive
read-only calls run concurrently; anything that mutates runs alone, in the order asked.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from vibe.agent.approvals import ApprovalRequest, Approver, Policy
from vibe.agent.call_seams import CallAbout, CallOutcome, CallSeam, SeamVerdict, weigh
from vibe.agent.malformed_calls import arguments_problem, unknown_tool_problem
from vibe.agent.repeat_guard import RepeatGuard
from vibe.agent.seam_chain import SeamChain
from vibe.agent.tool_deadline import execute_within_limit
from vibe.messages import ToolCall, ToolMessage
from vibe.protocol import events as ev
from vibe.tools.base import AnyTool, Invocation, ToolContext, ToolError, ToolRegistry, ToolResult

log = logging.getLogger("vibe.agent")

# Failures that are the call's fault, not a bug: the model reads the message. Each tool's own
# refusals are ToolErrors; a file that vanished or is a folder is the same for every tool.
_CALL_ERRORS = (ToolError, FileNotFoundError, IsADirectoryError)
# One dispatcher per run of the agent: its number tells the seams which prompt a call answers.
_RUN_NUMBERS = itertools.count(1)


@dataclass(frozen=True, slots=True)
class Authorisation:
    """The outcome of policy (and approver, when asked) for one call."""

    allowed: bool
    decided_by: Literal["policy", "user", "headless"]
    reason: str
    rule: str | None = None
    # For a denial: the text the model reads instead of a result.
    denial: str = ""


@dataclass(frozen=True, slots=True)
class _OpenCall:
    """A call that has started and not yet finished, as the after-call seams will hear of it."""

    turn_id: str
    started: float
    title: str
    arguments: dict[str, Any]
    mutates: bool = False


@dataclass(slots=True)
class ToolStats:
    counts: Counter[str] = field(default_factory=Counter[str])
    denied: list[ev.DeniedCall] = field(default_factory=list[ev.DeniedCall])


def parse_arguments(raw: str) -> dict[str, Any]:
    """Arguments as a dict for events and approvals; `{"_raw": text}` when not a JSON object."""
    try:
        value: object = json.loads(raw) if raw.strip() else {}
    except (json.JSONDecodeError, RecursionError):
        return {"_raw": raw}
    return value if isinstance(value, dict) else {"_raw": raw}  # pyright: ignore[reportUnknownVariableType]


def _internal_error(tool_name: str, exc: Exception) -> ToolResult:
    return ToolResult.error(f"Internal error in {tool_name}: {type(exc).__name__}: {exc}")


class ToolDispatcher:
    def __init__(
        self,
        registry: ToolRegistry,
        context: ToolContext,
        policy: Policy,
        approver: Approver,
        emit: ev.Emit,
        seams: Sequence[CallSeam] = (),
        parent_run: object = None,
    ) -> None:
        self._registry = registry
        # Handed to each call, for the task tool (see vibe.agent.parent_run).
        self._parent_run = parent_run
        self._seams = SeamChain(seams)
        self._context = context
        self._policy = policy
        self._approver = approver
        self._emit = emit
        self.stats = ToolStats()
        # Calls started and not yet finished, by call id.
        self._open: dict[str, _OpenCall] = {}
        self.repeats = RepeatGuard()
        self._run_number = next(_RUN_NUMBERS)

    async def run_calls(
        self, turn_id: str, calls: Sequence[ToolCall], results: dict[str, ToolMessage]
    ) -> None:
        """Fills `results` (call id → tool message) as calls finish; cancellation leaves it partial."""
        batch: list[ToolCall] = []
        for call in calls:
            tool = self._registry.get(call.name)
            if tool is not None and tool.read_only:
                batch.append(call)
                continue
            await self._run_batch(turn_id, batch, results)
            batch = []
            results[call.id] = await self._run_one(turn_id, call)
        await self._run_batch(turn_id, batch, results)

    async def _run_batch(self, turn_id: str, batch: list[ToolCall], results: dict[str, ToolMessage]) -> None:
        async def run_into(call: ToolCall) -> None:
            results[call.id] = await self._run_one(turn_id, call)

        if batch:
            async with asyncio.TaskGroup() as group:
                for call in batch:
                    group.create_task(run_into(call))

    async def _run_one(self, turn_id: str, call: ToolCall) -> ToolMessage:
        started = time.monotonic()
        self.stats.counts[call.name] += 1
        arguments = parse_arguments(call.arguments)
        tool = self._registry.get(call.name)
        if tool is None:
            self._started(turn_id, call, "other", call.name or "(no tool name)", arguments, ())
            result = ToolResult.error(unknown_tool_problem(call.name, self._registry.names()))
            return self._finished(turn_id, call, "error", result, started)

        def emit_output(text: str) -> None:
            self._emit(ev.ToolCallOutput(call_id=call.id, text=text))

        context = replace(
            self._context, emit_output=emit_output, call_id=call.id, parent_run=self._parent_run
        )
        if set(arguments) == {"_raw"}:
            self._started(turn_id, call, tool.kind, tool.name, arguments, ())
            problem = arguments_problem(tool.name, call.arguments) or "Arguments must be a JSON object."
            return self._finished(turn_id, call, "error", ToolResult.error(problem), started)
        try:
            prepared = await tool.prepare(tool.parse(arguments), context)
        except _CALL_ERRORS as exc:
            self._started(turn_id, call, tool.kind, tool.name, arguments, ())
            return self._finished(turn_id, call, "error", ToolResult.error(str(exc)), started)
        except Exception as exc:  # a bug in a tool must not end the run; the model and the log hear of it
            log.exception("tool %s failed to prepare", call.name)
            self._started(turn_id, call, tool.kind, tool.name, arguments, ())
            return self._finished(turn_id, call, "error", _internal_error(call.name, exc), started)

        if isinstance(prepared, ToolResult):
            self._started(turn_id, call, tool.kind, tool.name, arguments, ())
            return self._finished(turn_id, call, "ok" if prepared.ok else "error", prepared, started)

        self._started(
            turn_id, call, tool.kind, prepared.title, arguments, prepared.locations, prepared.mutates
        )
        about = CallAbout(turn_id, call.id, tool, arguments, prepared, self._run_number, self._emit)
        said = await self._seams.before_decision(about)
        authorisation = await self._authorise(tool, call, arguments, prepared, said)
        if not authorisation.allowed:
            denied = ToolResult.error(authorisation.denial)
            return self._finished(turn_id, call, "denied", denied, started, authorisation)
        refusal = await self._seams.before_call(about)
        if refusal is not None:
            refused = replace(authorisation, allowed=False, reason=refusal)
            denial = self._deny(call, arguments, refusal, None)
            return self._finished(turn_id, call, "denied", ToolResult.error(denial), started, refused)
        started = time.monotonic()  # the call's time is its run, not the approval wait
        try:
            result = await execute_within_limit(prepared, call.name, self._context.tool_timeout)
        except _CALL_ERRORS as exc:
            result = ToolResult.error(str(exc))
        except Exception as exc:  # a bug in a tool must not end the run; the model and the log hear of it
            log.exception("tool %s failed", call.name)
            result = _internal_error(call.name, exc)
        result = await self._seams.after_result(about, result)
        status: ev.ToolStatus = "ok" if result.ok else "error"
        return self._finished(turn_id, call, status, result, started, authorisation)

    async def _authorise(
        self,
        tool: AnyTool,
        call: ToolCall,
        arguments: dict[str, Any],
        invocation: Invocation,
        said: SeamVerdict | None = None,
    ) -> Authorisation:
        verdict = weigh(self._policy.evaluate(tool, invocation), said, self._policy.mode)
        if verdict.action != "ask":
            allowed = verdict.action == "allow"
            # An allow is said too, like a denial, so frontends know the call now runs (editors
            # show it running).
            self._emit(
                ev.ApprovalResolved(
                    call_id=call.id,
                    approved=allowed,
                    decided_by="policy",
                    reason=verdict.reason,
                    rule=verdict.rule,
                )
            )
            if allowed:
                return Authorisation(True, "policy", verdict.reason, verdict.rule)
            denial = self._deny(call, arguments, verdict.reason, None)
            return Authorisation(False, "policy", verdict.reason, verdict.rule, denial)
        request = ApprovalRequest(
            call_id=call.id,
            tool=tool.name,
            title=invocation.title,
            arguments=arguments,
            reason=verdict.reason,
            diff=invocation.diff,
            command=invocation.command,
            suggested_rule=verdict.suggested_rule,
            protected=verdict.protected,
        )
        self._emit(
            ev.ApprovalRequested(
                call_id=call.id,
                tool=tool.name,
                title=invocation.title,
                reason=verdict.reason,
                diff=invocation.diff,
                command=invocation.command,
                suggested_rule=verdict.suggested_rule,
                protected=verdict.protected,
            )
        )
        decision = await self._approver.decide(request)
        stored_rule = self._policy.remember(request, decision) if decision.scope != "once" else None
        self._emit(
            ev.ApprovalResolved(
                call_id=call.id,
                approved=decision.approved,
                decided_by=decision.decided_by,
                reason=decision.reason,
                feedback=decision.feedback,
                scope=decision.scope,
                stored_rule=stored_rule,
            )
        )
        reason = decision.reason or ("approved" if decision.approved else "denied by the user")
        if decision.approved:
            return Authorisation(True, decision.decided_by, reason, stored_rule)
        denial = self._deny(call, arguments, reason, decision.feedback)
        return Authorisation(False, decision.decided_by, reason, stored_rule, denial)

    def _deny(self, call: ToolCall, arguments: dict[str, Any], reason: str, feedback: str | None) -> str:
        self.stats.denied.append(
            ev.DeniedCall(call_id=call.id, tool=call.name, arguments=arguments, reason=reason)
        )
        text = f"Denied: {reason}. The call was not run."
        if feedback:
            text += f"\nThe user says: {feedback}"
        return text

    def close_cut_calls(self, calls: Sequence[ToolCall], output: str) -> None:
        """End every started call that a cancellation cut (interrupt, signal, time limit) with a
        `cancelled` event, so frontends, the session and the audit log all see it end; `output`
        is what the model reads for it."""
        for call in calls:
            opened = self._open.get(call.id)
            if opened is not None:
                self._finished(opened.turn_id, call, "cancelled", ToolResult.error(output), opened.started)

    def _started(
        self,
        turn_id: str,
        call: ToolCall,
        kind: ev.ToolKind,
        title: str,
        arguments: dict[str, Any],
        locations: tuple[str, ...],
        mutates: bool = False,
    ) -> None:
        self._open[call.id] = _OpenCall(turn_id, time.monotonic(), title, arguments, mutates)
        self._emit(
            ev.ToolCallStarted(
                turn_id=turn_id,
                call_id=call.id,
                tool=call.name,
                kind=kind,
                title=title,
                arguments=arguments,
                locations=list(locations),
            )
        )

    def _finished(
        self,
        turn_id: str,
        call: ToolCall,
        status: ev.ToolStatus,
        result: ToolResult,
        started: float,
        authorisation: Authorisation | None = None,
    ) -> ToolMessage:
        opened = self._open.pop(call.id, None)
        if status == "error":
            note = self.repeats.failed(call.name, call.arguments, result.output)
            if note:
                result = replace(result, output=result.output + note)
        elif status == "ok":
            self.repeats.succeeded()
        duration_ms = int((time.monotonic() - started) * 1000)
        self._emit(
            ev.ToolCallFinished(
                turn_id=turn_id,
                call_id=call.id,
                tool=call.name,
                status=status,
                output=result.output,
                diff=result.diff,
                notice=result.notice,
                duration_ms=duration_ms,
                decided_by=authorisation.decided_by if authorisation else None,
                decision_reason=authorisation.reason if authorisation else "",
                rule=authorisation.rule if authorisation else None,
            )
        )
        if result.plan is not None:
            self._emit(ev.PlanUpdated(todos=list(result.plan)))
        self._seams.after_call(
            CallOutcome(
                turn_id=turn_id,
                call_id=call.id,
                tool=call.name,
                title=opened.title if opened else call.name,
                arguments=opened.arguments if opened else parse_arguments(call.arguments),
                status=status,
                output=result.output,
                duration_ms=duration_ms,
                decided_by=authorisation.decided_by if authorisation else None,
                reason=authorisation.reason if authorisation else "",
                rule=authorisation.rule if authorisation else None,
                mutates=opened.mutates if opened else False,
            )
        )
        return ToolMessage(tool_call_id=call.id, name=call.name, content=result.output)

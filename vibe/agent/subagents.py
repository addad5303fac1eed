"""The `task` tool: delegates a self-contained job to a subagent and returns its answer only.

A subagent is a fresh `Agent` with its own (empty) context, built by the composition root
through the same path as the conversation's agent (`SubagentMaker`): same model client,
workspace, sandbox and policy rules, at most the parent's rights (its mode as a ceiling, its
tools intersected, no `task` of its own). What it does joins the parent's event stream, nested
under the `task` call (`parent_call_id`, its call ids prefixed with the parent's); what it
spends counts towards the parent's budget; cancelling the parent cancels it, and its tools
stop their processes as any cancelled call does. Only its final answer reaches the parent's
history.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from contextlib import aclosing
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, cast

from pydantic import BaseModel, ConfigDict, Field

from vibe.agent.approvals import ApprovalRequest, Approver, Decision
from vibe.agent.budget import Pricing, RunLimits
from vibe.agent.charges import charge
from vibe.agent.parent_run import ParentRun
from vibe.messages import Usage
from vibe.protocol import events as ev
from vibe.tools.base import Invocation, Tool, ToolContext, ToolError, ToolResult

if TYPE_CHECKING:
    from vibe.agent.loop import Agent

__all__ = ["PrefixedApprover", "SubagentMaker", "TaskArgs", "TaskTool"]

# A subagent's answer is cut here: it is meant to be a summary, and it lands in the parent's context.
MAX_ANSWER_CHARS = 40_000
# How long a subagent may run when the parent has no time limit (its own calls have theirs).
_NO_TIME_LIMIT = 24 * 3600.0
# Events of a subagent shown nested in the parent's stream; the rest (its text as it streams,
# its turns, its own result) stay inside it: the answer arrives as the task call's output.
_NESTED = (
    ev.ToolCallStarted,
    ev.ToolCallOutput,
    ev.ToolCallFinished,
    ev.ApprovalRequested,
    ev.ApprovalResolved,
)


class TaskArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")
    prompt: str = Field(min_length=1, description="The whole job, self-contained.")
    agent: str | None = Field(default=None, description="A custom agent's name.")
    description: str | None = Field(default=None, max_length=120, description="A few words for the user.")


class SubagentMaker(Protocol):
    """Builds subagents (implemented by the composition root)."""

    def check(self, agent: str | None) -> str | None:
        """Why `agent` cannot be used for a task (unknown, or not allowed here); None if it can."""
        ...

    def make(self, agent: str | None, limits: RunLimits, approver: Approver) -> Agent:
        """A fresh agent for one task, under `limits`, asking `approver` when it must ask."""
        ...

    def agents_text(self) -> str:
        """The agents a task may name, one line each, for the tool's description."""
        ...

    async def release(self, agent: Agent) -> None:
        """Frees what `make` opened for `agent` alone (a client for its own model)."""
        ...


class PrefixedApprover:
    """The parent's approver, hearing a subagent's calls by the ids the parent's stream shows."""

    def __init__(self, inner: Approver, prefix: str) -> None:
        self._inner = inner
        self._prefix = prefix

    async def decide(self, request: ApprovalRequest) -> Decision:
        return await self._inner.decide(replace(request, call_id=self._prefix + request.call_id))


class TaskTool(Tool[TaskArgs]):
    name = "task"
    kind = "think"
    # It changes nothing itself (each call its subagent makes is checked on its own), and tasks
    # asked for in one turn run side by side, up to `max_parallel`.
    read_only = True
    args_model = TaskArgs

    def __init__(self, maker: SubagentMaker, approver: Approver, max_parallel: int) -> None:
        self._maker = maker
        self._approver = approver
        self._slots = asyncio.Semaphore(max_parallel)

    def description(self) -> str:
        from vibe.prompts import load_prompt

        return load_prompt("tools/task.md") + "\n\n" + self._maker.agents_text()

    async def prepare(self, args: TaskArgs, ctx: ToolContext) -> Invocation | ToolResult:
        problem = self._maker.check(args.agent)
        if problem is not None:
            raise ToolError(problem)
        parent = ctx.parent_run
        if not isinstance(parent, ParentRun):
            raise ToolError("a task can only be started from a conversation's run")
        who = args.agent or "explorer"
        about = args.description or " ".join(args.prompt.split())[:60]
        left = parent.spend.time_left()
        return Invocation(
            title=f"{who}: {about}",
            execute=lambda: self._run(args, ctx.call_id, parent),
            own_timeout=_NO_TIME_LIMIT if left is None else max(left, 0.0),
        )

    async def _run(self, args: TaskArgs, call_id: str, parent: ParentRun) -> ToolResult:
        async with self._slots:
            prefix = f"{call_id}."
            limits = parent.remaining(None)
            child = self._maker.make(args.agent, limits, PrefixedApprover(self._approver, prefix))
            result: ev.Result | None = None
            try:
                run = cast(AsyncGenerator[ev.AgentEvent], child.run(args.prompt))
                async with aclosing(run) as events:
                    async for event in events:
                        if isinstance(event, ev.Result):
                            result = event
                        else:
                            _forward(event, call_id, prefix, parent, child.settings.pricing)
            finally:
                await child.aclose()
                await self._maker.release(child)
        return _answer(result)


def _forward(event: ev.AgentEvent, call_id: str, prefix: str, parent: ParentRun, pricing: Pricing) -> None:
    if isinstance(event, ev.UsageUpdated):
        usage = Usage(prompt_tokens=event.prompt_tokens, completion_tokens=event.completion_tokens)
        # Priced as the subagent's model prices it, which need not be the parent's.
        charge(parent.spend, usage, f"{call_id}:{event.turn_id}", parent.emit, pricing)
    elif isinstance(event, _NESTED):
        update = {"call_id": prefix + event.call_id, "parent_call_id": call_id, "seq": 0}
        parent.emit(event.model_copy(update=update))


def _answer(result: ev.Result | None) -> ToolResult:
    if result is None:
        return ToolResult.error("The subagent ended without an answer.")
    text = result.final_text
    if len(text) > MAX_ANSWER_CHARS:
        text = text[:MAX_ANSWER_CHARS] + "\n[the subagent's answer was cut here]"
    if result.stop_reason == "end_turn":
        return ToolResult(text or "(the subagent gave no answer)")
    why = result.error or result.stop_reason.replace("_", " ")
    note = f"[The subagent stopped before it finished: {why}.]"
    return ToolResult(f"{text}\n\n{note}" if text else note, ok=result.status != "error")

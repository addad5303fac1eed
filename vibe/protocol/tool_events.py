"""Events of a tool call, from its start to its end, and the approval asked and answered on the
way (part of the one event union in `vibe.protocol.events`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from vibe.protocol.event_base import Event
from vibe.tools.base import ToolKind

__all__ = [
    "ApprovalRequested",
    "ApprovalResolved",
    "ToolCallFinished",
    "ToolCallOutput",
    "ToolCallStarted",
    "ToolStatus",
]


class ToolCallStarted(Event):
    type: Literal["tool_call_started"] = "tool_call_started"
    turn_id: str
    call_id: str
    tool: str
    kind: ToolKind
    title: str
    # Parsed arguments when they were valid JSON, else {"_raw": text}.
    arguments: dict[str, Any]
    locations: list[str] = Field(default_factory=list[str])
    # Set on the calls of a subagent: the `task` call it works for (frontends nest it there).
    parent_call_id: str | None = None


class ToolCallOutput(Event):
    """Output a running tool produced so far (e.g. a command's stdout), for live display."""

    type: Literal["tool_call_output"] = "tool_call_output"
    call_id: str
    text: str
    # Set on the calls of a subagent: the `task` call it works for (frontends nest it there).
    parent_call_id: str | None = None


ToolStatus = Literal["ok", "error", "denied", "cancelled"]


class ToolCallFinished(Event):
    type: Literal["tool_call_finished"] = "tool_call_finished"
    turn_id: str
    call_id: str
    tool: str
    status: ToolStatus
    # Exactly what the model reads as the tool result.
    output: str
    diff: str | None = None
    # A warning that is also in `output` (an edit that broke the file's syntax), for frontends
    # that show an edit's diff rather than its output.
    notice: str | None = None
    duration_ms: int = 0
    # Who let the call run or stopped it, and why (for the audit log and "why did this run?").
    # None when the call never reached a decision (unknown tool, invalid arguments).
    decided_by: Literal["policy", "user", "headless"] | None = None
    decision_reason: str = ""
    rule: str | None = None
    # Set on the calls of a subagent: the `task` call it works for (frontends nest it there).
    parent_call_id: str | None = None


class ApprovalRequested(Event):
    type: Literal["approval_requested"] = "approval_requested"
    call_id: str
    tool: str
    title: str
    reason: str
    diff: str | None = None
    command: str | None = None
    # The rule an "always allow" answer would store, shown before the user picks it.
    suggested_rule: str | None = None
    # A change to repository metadata (.git, .vibe): only a person may approve it, one call at
    # a time; a frontend that cannot promise a person answers refuses it.
    protected: bool = False
    # Set on the calls of a subagent: the `task` call it works for (frontends nest it there).
    parent_call_id: str | None = None


class ApprovalResolved(Event):
    type: Literal["approval_resolved"] = "approval_resolved"
    call_id: str
    approved: bool
    # Who decided: "policy" (a rule or mode), "user", or "headless" (no human to ask).
    decided_by: Literal["policy", "user", "headless"]
    reason: str = ""
    feedback: str | None = None
    scope: Literal["once", "session", "always"] = "once"
    # The rule that decided (policy denials), or the rule stored by a session/always answer.
    rule: str | None = None
    stored_rule: str | None = None
    # Set on the calls of a subagent: the `task` call it works for (frontends nest it there).
    parent_call_id: str | None = None

"""The seams around every tool call: what runs just before a call and just after it.

Cross-cutting behaviour attaches here, never inside a tool or a frontend: the audit log today,
checkpoints (a snapshot before the first change of a prompt) and user hooks next. The dispatcher
calls every seam for every tool, built-in or added at run time, in the order given.

`before_call` runs once a call has been prepared and authorised, just before it executes, and
may refuse it (the model reads the reason, the call is reported `denied`). `after_call` runs when
a call has ended whatever the outcome (ok, error, denied, cancelled, unknown tool), and is plain,
not async: it also runs for calls a cancellation cut, on the way out of a cancelled run, where
nothing may wait.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vibe.protocol import events as ev
from vibe.tools.base import AnyTool, Invocation

__all__ = ["CallAbout", "CallOutcome", "CallSeam"]


@dataclass(frozen=True, slots=True)
class CallAbout:
    """A call that is about to run."""

    turn_id: str
    call_id: str
    tool: AnyTool
    arguments: dict[str, Any]
    invocation: Invocation
    # Which run of the agent (one per prompt) the call answers: a seam that acts once per
    # prompt (a checkpoint) tells prompts apart by it. Unique within the process.
    run: int = 0
    # Tells the frontends (and the observers) an event of the seam's own, in the run's order.
    emit: ev.Emit | None = None


@dataclass(frozen=True, slots=True)
class CallOutcome:
    """How a call ended."""

    turn_id: str
    call_id: str
    tool: str  # the name the model used (an unknown tool has no object)
    title: str
    arguments: dict[str, Any]
    status: ev.ToolStatus
    output: str
    duration_ms: int
    # Who allowed or refused it, why, and the rule that did; None when it never got that far.
    decided_by: str | None = None
    reason: str = ""
    rule: str | None = None
    # It changed files or ran a command (as its invocation said).
    mutates: bool = False


class CallSeam:
    """Override what you need; both do nothing by default."""

    async def before_call(self, call: CallAbout) -> str | None:
        """None lets the call run; a sentence refuses it."""
        return None

    def after_call(self, outcome: CallOutcome) -> None:
        return None

"""The seams around every tool call: what runs just before a call and just after it.

Cross-cutting behaviour attaches here, never inside a tool or a frontend: the audit log,
checkpoints (a snapshot before the first change of a prompt) and user hooks. The dispatcher
calls every seam for every tool, built-in or added at run time, in the order given.

`before_decision` runs once a call has been prepared, before the policy's verdict is acted on,
and may say allow, deny or ask (`SeamVerdict`; None: nothing to say). What it says is weighed
with the policy by `weigh` below: a deny or an ask always counts, an allow only lifts an ask the
permission mode made, never a deny, a protected path, plan mode or a rule's or tool's own ask.
`before_call` runs once a call has been prepared and authorised, just before it executes, and
may refuse it (the model reads the reason, the call is reported `denied`). `after_call` runs when
a call has ended whatever the outcome (ok, error, denied, cancelled, unknown tool), and is plain,
not async: it also runs for calls a cancellation cut, on the way out of a cancelled run, where
nothing may wait. `after_result` runs when a call that ran has its result, before the model
reads it, and may add text to it (a formatter's or linter's report).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from vibe.config.settings import PermissionMode
from vibe.policy.verdict import Verdict
from vibe.protocol import events as ev
from vibe.tools.base import AnyTool, Invocation, ToolResult

__all__ = ["CallAbout", "CallOutcome", "CallSeam", "SeamVerdict", "weigh"]


@dataclass(frozen=True, slots=True)
class SeamVerdict:
    """What a seam says about a call before the decision (a pre_tool hook's answer)."""

    action: Literal["allow", "deny", "ask"]
    reason: str
    # Who said it, as the user reads it in the approval and the audit log ("hook: ./check.sh").
    by: str


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
    """Override what you need; each does nothing by default."""

    async def before_decision(self, call: CallAbout) -> SeamVerdict | None:
        """None: nothing to say; else allow, deny or ask (weighed with the policy by `weigh`)."""
        return None

    async def after_result(self, call: CallAbout, result: ToolResult) -> str | None:
        """Text to add to the result the model reads, or None."""
        return None

    async def before_call(self, call: CallAbout) -> str | None:
        """None lets the call run; a sentence refuses it."""
        return None

    def after_call(self, outcome: CallOutcome) -> None:
        return None


def weigh(verdict: Verdict, said: SeamVerdict | None, mode: PermissionMode) -> Verdict:
    """The verdict that applies once a seam has spoken: a deny wins, an ask turns an allow into
    an ask, and an allow lifts only an ask that the permission mode (or an unconfined sandbox)
    made, and never in plan mode: a deny, a protected path, a rule's or a tool's own ask stand."""
    if said is None or verdict.action == "deny":
        return verdict
    if said.action == "deny":
        return Verdict("deny", said.reason, "rule", rule=said.by)
    if said.action == "ask":
        if verdict.action == "allow":
            return Verdict("ask", said.reason, "rule", rule=said.by)
        return verdict
    liftable = verdict.source in ("mode", "sandbox") and not verdict.protected and mode != "plan"
    if verdict.action == "ask" and liftable:
        return Verdict("allow", said.reason, "rule", rule=said.by)
    return verdict

"""The approval port and the policy seam.

Policy is data evaluated per call (allow / ask / deny); the rule engine lives in `vibe.policy`.
Only "ask" reaches the `Approver`, an injected port: the TUI shows a modal, ACP asks the editor,
headless resolves without a human. An answer with scope "session" or "always" is handed back to
the policy (`remember`), which generalises it into a rule and, for "always", stores it.
"""

from __future__ import annotations

from typing import Protocol

from vibe.config.settings import OnAsk, PermissionMode
from vibe.policy.ceiling import stricter_mode
from vibe.policy.verdict import ApprovalRequest, Decision, DecisionScope, Verdict
from vibe.tools.base import AnyTool, Invocation

__all__ = [
    "ApprovalAbortedError",
    "ApprovalRequest",
    "Approver",
    "Decision",
    "DecisionScope",
    "HeadlessApprover",
    "ModePolicy",
    "Policy",
    "Verdict",
]


class ApprovalAbortedError(Exception):
    """Raised by an approver that must not let the run go on (headless `--on-ask fail`)."""


class Approver(Protocol):
    async def decide(self, request: ApprovalRequest) -> Decision: ...


class Policy(Protocol):
    @property
    def mode(self) -> PermissionMode: ...

    def set_mode(self, mode: PermissionMode) -> None:
        """Switch permission mode mid-session (TUI /mode, ACP session/set_mode); rules learnt stay."""
        ...

    def set_ceiling(self, ceiling: PermissionMode | None) -> None:
        """A custom agent's mode: from now on the policy is at most that permissive."""
        ...

    def capped(self, ceiling: PermissionMode | None) -> Policy:
        """A subagent's policy: this one's rules, never more permissive than this one now."""
        ...

    def evaluate(self, tool: AnyTool, invocation: Invocation) -> Verdict: ...

    def remember(self, request: ApprovalRequest, decision: Decision) -> str | None:
        """Learn from a session/always answer; returns the rule stored or kept, for the user."""
        ...


class ModePolicy:
    """Decides by permission mode alone. Tools have already refused paths outside the workspace."""

    def __init__(self, mode: PermissionMode, auto_approve: bool = False) -> None:
        self._chosen: PermissionMode = mode
        self._ceiling: PermissionMode | None = None
        self._auto_approve = auto_approve

    @property
    def mode(self) -> PermissionMode:
        return stricter_mode(self._chosen, self._ceiling)

    @property
    def auto_approve(self) -> bool:
        return self._auto_approve and self._ceiling in (None, "auto")

    def set_mode(self, mode: PermissionMode) -> None:
        self._chosen = mode

    def set_ceiling(self, ceiling: PermissionMode | None) -> None:
        self._ceiling = ceiling

    def capped(self, ceiling: PermissionMode | None) -> ModePolicy:
        child = ModePolicy(self.mode, self.auto_approve)
        child.set_ceiling(stricter_mode(self.mode, ceiling))
        return child

    def evaluate(self, tool: AnyTool, invocation: Invocation) -> Verdict:
        if tool.read_only or not invocation.mutates:
            return Verdict("allow", "read-only")
        if self.mode == "plan":
            return Verdict("deny", "plan mode: nothing may be changed or run")
        if self.auto_approve:
            return Verdict("allow", "--auto-approve")
        if self.mode == "auto":
            return Verdict("allow", "auto mode")
        if tool.kind == "edit" and self.mode == "accept-edits":
            return Verdict("allow", "accept-edits mode: workspace edits apply")
        what = "command" if invocation.command is not None else "change"
        return Verdict("ask", f"{self.mode} mode: this {what} needs approval")

    def remember(self, request: ApprovalRequest, decision: Decision) -> str | None:
        return None


class HeadlessApprover:
    """No human to ask and never waits: a call that would ask is denied, or ends the run.

    on_ask "deny" (default): the model is told no one can approve the call (and that the user can
    re-run with --auto-approve); the call is listed in the result's `denied`.
    on_ask "fail": raises ApprovalAbortedError; the loop ends the run (headless exit code 4).
    A protected request (a change to repository metadata) is refused the same way, and the
    model is told that --auto-approve would not change that.
    """

    def __init__(self, on_ask: OnAsk = "deny") -> None:
        self.on_ask: OnAsk = on_ask

    async def decide(self, request: ApprovalRequest) -> Decision:
        if self.on_ask == "fail":
            raise ApprovalAbortedError(
                f"{request.tool} call {request.title!r} needs approval ({request.reason}), "
                "and --on-ask fail ends a non-interactive run instead of denying it"
            )
        remedy = (
            "a non-interactive run refuses it whatever its flags; the user can make this change "
            "themselves, or approve it in the terminal UI"
            if request.protected
            else "the user can re-run with --auto-approve to allow such calls"
        )
        return Decision(
            approved=False,
            decided_by="headless",
            reason=f"{request.reason}, and this is a non-interactive run with no one to approve it "
            f"({remedy})",
        )

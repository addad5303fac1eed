"""What a policy says about one tool call, and where that came from (for the audit log and the user)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["ApprovalRequest", "Decision", "DecisionScope", "Verdict"]

VerdictAction = Literal["allow", "ask", "deny"]
# What decided: the permission mode, a shell command rule, a per-tool permission, a choice the
# user made earlier in this session, or a built-in safety check (e.g. no working sandbox).
VerdictSource = Literal["mode", "rule", "tool", "session", "sandbox"]


@dataclass(frozen=True, slots=True)
class Verdict:
    action: VerdictAction
    reason: str
    source: VerdictSource = "mode"
    # The rule that decided, as the user wrote it (e.g. 'deny "rm -rf *"'), when one did.
    rule: str | None = None
    # For "ask": the generalised prefix rule an "always allow" answer would store, e.g. "npm test".
    suggested_rule: str | None = None
    # The call changes repository metadata (.git, .vibe, a git directory): only a person may
    # approve it, one call at a time; --auto-approve, modes, rules and earlier answers never do.
    protected: bool = False


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    call_id: str
    tool: str
    title: str
    arguments: dict[str, Any]
    reason: str
    diff: str | None = None
    command: str | None = None
    # The rule "always allow" would store (shown to the user before they choose it).
    suggested_rule: str | None = None
    # See Verdict.protected: approvers with no person to ask refuse; others ask for this call only.
    protected: bool = False


DecisionScope = Literal["once", "session", "always"]


@dataclass(frozen=True, slots=True)
class Decision:
    approved: bool
    decided_by: Literal["user", "headless"] = "user"
    feedback: str | None = None
    reason: str = ""
    # once: this call only; session: like calls until the session ends; always: store a rule.
    scope: DecisionScope = "once"

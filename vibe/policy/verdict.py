"""What a policy says about one tool call, and where that came from (for the audit log and the user)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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

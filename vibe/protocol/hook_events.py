"""Events of hooks (part of the one event union in `vibe.protocol.events`)."""

from __future__ import annotations

from typing import Literal

from vibe.config.hooks import HookEvent
from vibe.protocol.event_base import Event

__all__ = ["HookOutcome", "HookRan"]

# allow / deny / ask: the hook decided; context: it added text for the model; none: it said
# nothing; failed: it crashed, timed out or answered badly (reported, then ignored).
HookOutcome = Literal["allow", "deny", "ask", "context", "none", "failed"]


class HookRan(Event):
    """A `[[hooks]]` program ran, and what came of it."""

    type: Literal["hook_ran"] = "hook_ran"
    event: HookEvent
    command: str
    outcome: HookOutcome
    # Why it decided (its `reason`, or its stderr with exit code 2), or why it failed.
    reason: str = ""
    # Text it gave the model (`additional_context`, a stop hook's message).
    additional_context: str = ""
    # For pre_tool and post_tool hooks: the call and its tool.
    call_id: str | None = None
    tool: str | None = None
    # The config file that named the hook.
    source: str = ""
    duration_ms: int = 0

    @property
    def summary(self) -> str:
        """One line for people, the same in every frontend: `hook pre_tool ./check.sh (bash): deny: why`."""
        target = f" ({self.tool})" if self.tool else ""
        said = self.reason or self.additional_context
        said = said.strip().splitlines()[0] if said.strip() else ""
        what = "said nothing" if self.outcome == "none" else self.outcome
        return f"hook {self.event} {self.command}{target}: {what}" + (f": {said}" if said else "")

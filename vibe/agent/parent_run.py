"""What a tool call can know of the run it is part of, for delegating work (the task tool).

A subagent's work is the parent's: its events join the parent's stream, and what it spends
counts towards the parent's budget (`--max-tokens`, `--max-cost`, time).
"""

from __future__ import annotations

from dataclasses import dataclass

from vibe.agent.budget import RunLimits, Spend
from vibe.protocol import events as ev

__all__ = ["ParentRun"]


@dataclass(frozen=True, slots=True)
class ParentRun:
    emit: ev.Emit
    spend: Spend

    def remaining(self, max_turns: int | None) -> RunLimits:
        """The limits a subagent starting now runs under: what is left of the parent's budget."""
        limits, spend = self.spend.limits, self.spend
        tokens = None if limits.max_tokens is None else max(0, limits.max_tokens - spend.usage.total_tokens)
        cost = None if limits.max_cost is None else max(0.0, limits.max_cost - spend.cost)
        left = spend.time_left()
        return RunLimits(max_turns, tokens, cost, None if left is None else max(0.0, left), shared_with=spend)

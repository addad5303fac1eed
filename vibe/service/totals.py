"""What a conversation has used so far, summed once for every frontend from the usage events."""

from __future__ import annotations

from dataclasses import dataclass

from vibe.protocol import events as ev

__all__ = ["Totals"]


@dataclass(slots=True)
class Totals:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    # Tokens of the last request and its answer: how full the context is now.
    context_used: int = 0
    # The running run's cost so far (usage events carry the run's cumulative cost).
    _run_cost: float = 0.0

    def count(self, event: ev.AgentEvent) -> None:
        match event:
            case ev.UsageUpdated():
                self.prompt_tokens += event.prompt_tokens
                self.completion_tokens += event.completion_tokens
                self.cost_usd += event.cost_usd - self._run_cost
                self._run_cost = event.cost_usd
                self.context_used = event.prompt_tokens + event.completion_tokens
            case ev.CompactionFinished(error=None):
                self.context_used = event.tokens_after
            case ev.Result():
                self._run_cost = 0.0
            case _:
                pass

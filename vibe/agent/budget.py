"""Run limits (turns, tokens, cost, time) and the spend they are checked against.

Budgets are checked *before* a request: a request whose prompt alone would exceed the token or
cost budget is not sent.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from vibe.messages import Usage

__all__ = ["Pricing", "RunLimits", "estimate_tokens"]


@dataclass(frozen=True, slots=True)
class RunLimits:
    max_turns: int | None = None
    max_tokens: int | None = None
    max_cost: float | None = None
    time_limit: float | None = None
    # A subagent's run also draws on its parent's spend: tasks running side by side share what
    # is left of the parent's tokens, cost and time, rather than each starting with all of it.
    shared_with: Spend | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Pricing:
    input_per_million: float = 0.0
    output_per_million: float = 0.0

    def cost(self, usage: Usage) -> float:
        return (
            usage.prompt_tokens * self.input_per_million + usage.completion_tokens * self.output_per_million
        ) / 1_000_000


@dataclass(slots=True)
class Spend:
    limits: RunLimits
    pricing: Pricing
    started: float = field(default_factory=time.monotonic)
    turns: int = 0
    usage: Usage = field(default_factory=Usage)
    # What usage priced by another model (a subagent's) cost beyond what `pricing` makes of it.
    repriced: float = 0.0

    @property
    def cost(self) -> float:
        return self.pricing.cost(self.usage) + self.repriced

    def add(self, usage: Usage, pricing: Pricing | None = None) -> None:
        """Counts `usage`, priced by `pricing` when another model than this run's made it."""
        self.usage = self.usage + usage
        if pricing is not None:
            self.repriced += pricing.cost(usage) - self.pricing.cost(usage)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def time_left(self) -> float | None:
        if self.limits.time_limit is None:
            return None
        return self.limits.time_limit - self.elapsed()

    def exceeded_before_request(self, estimated_prompt_tokens: int) -> str | None:
        """The stop reason if the next request must not be sent, else None."""
        limits = self.limits
        if limits.max_turns is not None and self.turns >= limits.max_turns:
            return "max_turns"
        if (
            limits.max_tokens is not None
            and self.usage.total_tokens + estimated_prompt_tokens > limits.max_tokens
        ):
            return "max_tokens"
        if limits.max_cost is not None:
            next_prompt = self.pricing.cost(Usage(prompt_tokens=estimated_prompt_tokens))
            if self.cost + next_prompt > limits.max_cost:
                return "max_cost"
        left = self.time_left()
        if left is not None and left <= 0:
            return "time_limit"
        shared = limits.shared_with
        return shared.exceeded_by_share(estimated_prompt_tokens, self.pricing) if shared else None

    def exceeded_by_share(self, estimated_prompt_tokens: int, pricing: Pricing) -> str | None:
        """For a subagent about to make a request priced by `pricing`: whether this (its
        parent's) run's token, cost or time budget would be passed. Turns are each run's own."""
        limits = self.limits
        if (
            limits.max_tokens is not None
            and self.usage.total_tokens + estimated_prompt_tokens > limits.max_tokens
        ):
            return "max_tokens"
        next_prompt = pricing.cost(Usage(prompt_tokens=estimated_prompt_tokens))
        if limits.max_cost is not None and self.cost + next_prompt > limits.max_cost:
            return "max_cost"
        left = self.time_left()
        if left is not None and left <= 0:
            return "time_limit"
        shared = limits.shared_with
        return shared.exceeded_by_share(estimated_prompt_tokens, pricing) if shared else None


def estimate_tokens(characters: int) -> int:
    """Rough token count (characters / 4) used only to check budgets before a request."""
    return (characters + 3) // 4

"""What each request costs the run: counted towards its budget and reported as it happens."""

from __future__ import annotations

from vibe.agent.budget import Pricing, Spend, estimate_tokens
from vibe.agent.turn import TurnState
from vibe.messages import Usage
from vibe.protocol import events as ev


def charge(spend: Spend, usage: Usage, turn_id: str, emit: ev.Emit, pricing: Pricing | None = None) -> None:
    """Counts a request's usage towards the run's budget and reports it; `pricing`: the prices
    of the model that made it, when not the run's own (a subagent's)."""
    spend.add(usage, pricing)
    emit(
        ev.UsageUpdated(
            turn_id=turn_id,
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            total_prompt_tokens=spend.usage.prompt_tokens,
            total_completion_tokens=spend.usage.completion_tokens,
            cost_usd=round(spend.cost, 6),
        )
    )


def charge_cut_turn(spend: Spend, state: TurnState, estimate: int, emit: ev.Emit) -> None:
    """A request cut off while it streamed was still made and paid for: count it, with the
    endpoint's usage when it came, else an estimate (the prompt as sent, the output seen)."""
    produced = state.produced_characters()
    if state.usage is None and produced == 0:
        return  # nothing came back: the request may never have reached the model
    spend.turns += 1
    usage = state.usage or Usage(prompt_tokens=estimate, completion_tokens=estimate_tokens(produced))
    charge(spend, usage, state.turn_id, emit)

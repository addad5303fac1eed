"""The `result` event that ends every run, built from what the run spent and how it stopped."""

from __future__ import annotations

from vibe.agent.budget import Spend
from vibe.agent.dispatch import ToolStats
from vibe.agent.run_end import status_for
from vibe.protocol import events as ev

__all__ = ["bare_result", "run_result"]


def run_result(
    session_id: str,
    stop: ev.StopReason,
    final_text: str,
    spend: Spend,
    duration_ms: int,
    stats: ToolStats,
    *,
    error: str | None,
    error_kind: str | None,
    untrusted_keys: list[str],
) -> ev.Result:
    """The result of a run that asked the model (or tried to)."""
    return ev.Result(
        session_id=session_id,
        status=status_for(stop),
        stop_reason=stop,
        final_text=final_text,
        turns=spend.turns,
        prompt_tokens=spend.usage.prompt_tokens,
        completion_tokens=spend.usage.completion_tokens,
        cost_usd=round(spend.cost, 6),
        duration_ms=duration_ms,
        tool_calls=dict(stats.counts),
        denied=stats.denied,
        error=error,
        error_kind=error_kind,
        untrusted_keys=untrusted_keys,
    )


def bare_result(
    session_id: str,
    untrusted_keys: list[str],
    status: ev.ResultStatus,
    stop: ev.StopReason,
    *,
    error: str | None = None,
    error_kind: str | None = None,
    duration_ms: int = 0,
    spend: Spend | None = None,
) -> ev.Result:
    """The result of a run that made no model turn (cancelled early, or a /compact)."""
    usage = (
        (spend.usage.prompt_tokens, spend.usage.completion_tokens, round(spend.cost, 6))
        if spend
        else (0, 0, 0.0)
    )
    return ev.Result.without_turns(
        session_id, status, stop, error=error, error_kind=error_kind, duration_ms=duration_ms, usage=usage
    ).model_copy(update={"untrusted_keys": untrusted_keys})

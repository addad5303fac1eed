"""How a run came to its end: the loop's body run under the run's time limit, and whatever
stopped it (the model done, the time up, a cancellation, a failure) told as a stop reason, the
final text and the error the `result` reports.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from vibe.agent.budget import Spend
from vibe.agent.run_end import RefusedError, ending_for
from vibe.notes import INTERRUPTED, TIME_LIMIT_REACHED
from vibe.protocol import events as ev

__all__ = ["RunOutcome", "outcome_of", "why_cut"]

log = logging.getLogger("vibe.agent")

# What the model reads for a call, or after an answer, cut short; keyed by why the run stopped.
_CUT_SHORT = {"user": INTERRUPTED, "time": TIME_LIMIT_REACHED}


@dataclass
class RunOutcome:
    stop: ev.StopReason
    final_text: str = ""
    error: str | None = None
    error_kind: str | None = None


async def outcome_of(
    body: Awaitable[tuple[ev.StopReason, str]],
    time_left: float | None,
    emit: ev.Emit,
    last_text: Callable[[], str],
) -> RunOutcome:
    """Awaits `body` (it returns the stop reason and the final text) within `time_left` seconds.
    A failure is told as a fatal `error` event; a run cut short by time or the user ends with
    `last_text()`, the last answer the user saw."""
    try:
        async with asyncio.timeout(time_left):
            outcome = RunOutcome(*await body)
    except TimeoutError:
        outcome = RunOutcome("time_limit")
    except asyncio.CancelledError:
        outcome = RunOutcome("cancelled")
        current = asyncio.current_task()
        if current is not None:
            current.uncancel()
    except Exception as exc:
        ending = ending_for(exc)
        if ending is None:
            log.exception("agent loop failed")
            ending = ("error", f"internal error: {type(exc).__name__}: {exc}", "internal")
        stop, error, error_kind = ending
        final_text = exc.final_text if isinstance(exc, RefusedError) else ""
        outcome = RunOutcome(stop, final_text, error, error_kind)
        emit(ev.Error(message=error, fatal=True))
    if outcome.stop in ("time_limit", "cancelled") and not outcome.final_text:
        outcome.final_text = last_text()
    return outcome


def why_cut(spend: Spend) -> str:
    """What the model reads for what a cancellation cut short: the time limit ran out
    (asyncio.timeout cancels too) or the user interrupted."""
    left = spend.time_left()
    return _CUT_SHORT["time" if left is not None and left <= 0 else "user"]

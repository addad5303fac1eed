"""Compaction as the agent carries it out: on the conversation, and as a /compact run.

`vibe.agent.compaction` decides what a smaller history is; this module applies it to the
conversation (the summary request charged to the run, the session told of the new start, the
repository map rebuilt since the prompt cache is lost anyway) and frames a /compact as a run
that ends in a `result` like any other.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from vibe.agent.budget import RunLimits, Spend
from vibe.agent.charges import charge
from vibe.agent.compaction import compact_and_report
from vibe.agent.request_frame import RequestFrame
from vibe.agent.session_facts import AgentSettings
from vibe.agent.transcript import Transcript
from vibe.model.client import ChatModel
from vibe.protocol import events as ev

__all__ = ["compact_conversation", "compaction_run"]


async def compact_conversation(
    transcript: Transcript,
    frame: RequestFrame,
    model: ChatModel,
    settings: AgentSettings,
    trigger: ev.CompactionTrigger,
    emit: ev.Emit,
    spend: Spend,
    instructions: str | None = None,
) -> str | None:
    """Makes the history smaller (see vibe.agent.compaction); returns why it could not."""
    outcome = await compact_and_report(
        transcript.messages,
        model,
        settings.sampling,
        settings.compaction,
        frame.sizes(settings.context_window, transcript.messages),
        trigger=trigger,
        instructions=instructions,
        emit=emit,
        measure=frame.tokens,
    )
    if outcome.usage.total_tokens:  # a summary request was made (pruning alone costs none)
        charge(spend, outcome.usage, "compaction", emit)
    compacted = outcome.history
    if compacted is None:
        return outcome.error
    if compacted == transcript.messages:
        return None  # nothing could be made smaller (all of it is the recent part)
    transcript.replace(compacted)
    # The conversation's start changed, so the prompt cache is lost anyway: the map's turn.
    await frame.repo_map.refresh(transcript.last_prompt())
    return None


async def compaction_run(
    compact: Callable[[Spend], Awaitable[str | None]],
    settings: AgentSettings,
    result: Callable[..., ev.Result],
    emit: ev.Emit,
) -> ev.Result:
    """/compact: runs `compact` and returns the result that ends the run (`result` builds a run's
    result without turns from a status, a stop reason and details)."""
    started = time.monotonic()
    # The summary request is paid for like any other, and the result says what it cost.
    spend = Spend(limits=RunLimits(), pricing=settings.pricing)
    try:
        error = await compact(spend)
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None:
            current.uncancel()
        return result("interrupted", "cancelled", spend=spend)
    details: dict[str, Any] = {"duration_ms": int((time.monotonic() - started) * 1000), "spend": spend}
    if error is None:
        return result("success", "end_turn", **details)
    emit(ev.Error(message=f"could not compact the conversation: {error}", fatal=True))
    return result("error", "error", error=error, error_kind="compaction", **details)

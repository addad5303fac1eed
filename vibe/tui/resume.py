"""A conversation just opened, on screen: its notices, its facts in the TUI's state, and for a
resumed one the replayed events (`vibe.agent.replay`, the same ones an editor's `session/load`
shows) as transcript entries, built before they are mounted so the latest go up at once and the
rest in batches.

Tool calls are cards, as they were live, with the saved status and result. Reasoning is left out
(it was folded away live too), and a saved call has no duration to show.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from textual.widget import Widget

from vibe.tui.state import TuiState
from vibe.tui.tool_card import ToolCard
from vibe.tui.transcript import AnswerEntry, Notice, Transcript, UserEntry

if TYPE_CHECKING:  # the engine loads after the first frame
    from vibe.protocol import events as ev
    from vibe.service.conversation import Conversation

# A resumed conversation shows its latest entries at once and mounts the rest in the background.
RESUME_SHOWN = 100
HISTORY_BATCH = 50

SUMMARISED_NOTE = "(earlier conversation summarised to fit the context window)"


def history_entries(events: list[ev.AgentEvent]) -> list[Widget]:
    from vibe.protocol import events as ev

    entries: list[Widget] = []
    cards: dict[str, ToolCard] = {}
    for event in events:
        match event:
            case ev.UserPrompt(text=text):
                entries.append(UserEntry(text))
            case ev.ConversationSummarised():
                entries.append(Notice(SUMMARISED_NOTE, "dim"))
            case ev.TextDelta(text=text) if text.strip():
                entries.append(AnswerEntry(text))
            case ev.AnswerCutShort(reason=reason):
                entries.append(Notice(f"(answer cut short: {reason})", "dim"))
            case ev.ToolCallStarted():
                cards[event.call_id] = card = ToolCard(event)
                entries.append(card)
            case ev.ToolCallFinished():
                card = cards.pop(event.call_id, None)
                if card is not None:
                    card.finish(event, timed=False)
            case _:
                pass
    for card in cards.values():  # no result saved (the run was stopped or crashed mid-call)
        unfinished = ev.ToolCallFinished(
            turn_id="", call_id=card.call_id, tool=card.tool, status="cancelled", output=""
        )
        card.finish(unfinished, timed=False)
    return entries


async def show_opened(
    transcript: Transcript,
    state: TuiState,
    conversation: Conversation,
    replayed: list[ev.AgentEvent],
    *,
    replace: bool,
) -> Coroutine[Any, Any, None] | None:
    """Shows a conversation that just opened (`replace`: after /new or /resume, on a cleared
    screen). Returns the work of mounting a long history's earlier part, for the app to run in
    the background, or None."""
    facts = conversation.facts
    for notice in facts.notices:
        await transcript.notice(f"⚠ {notice}", "warn")
    if facts.sandbox_info is not None and facts.sandbox_info.warning:
        await transcript.notice(f"⚠ {facts.sandbox_info.warning}", "error")
    state.sandbox_summary = facts.sandbox
    state.update(
        model=facts.model,
        mode=conversation.mode,
        sandbox=facts.sandbox,
        context_window=conversation.context_window,
        context_used=0,
        cost_usd=0.0,
    )
    earlier: Coroutine[Any, Any, None] | None = None
    if facts.resumed:
        entries = history_entries(replayed)
        recent, rest = entries[-RESUME_SHOWN:], entries[:-RESUME_SHOWN]
        await transcript.mount_all(recent)
        if rest and recent:
            earlier = _mount_earlier(transcript, rest, recent[0])
        await transcript.notice(f"resumed session {facts.session_id}")
    elif replace:
        await transcript.notice("new conversation")
    return earlier


async def _mount_earlier(transcript: Transcript, entries: list[Widget], first: Widget) -> None:
    """Mounting a long history costs seconds of rendering: the latest entries go up at once, the
    rest after, newest first, in small batches, so the prompt is usable meanwhile."""
    for end in range(len(entries), 0, -HISTORY_BATCH):
        batch = entries[max(0, end - HISTORY_BATCH) : end]
        await transcript.mount_all(batch, before=first)
        first = batch[0]

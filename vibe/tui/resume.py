"""A resumed conversation on screen: the replayed events (`vibe.agent.replay`, the same ones an
editor's `session/load` shows) as transcript entries, built before they are mounted so the app
can put up the latest at once and the rest in batches.

Tool calls are cards, as they were live, with the saved status and result. Reasoning is left out
(it was folded away live too), and a saved call has no duration to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from vibe.tui.tool_card import ToolCard
from vibe.tui.transcript import AnswerEntry, Notice, UserEntry

if TYPE_CHECKING:  # the engine loads after the first frame
    from vibe.protocol import events as ev

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

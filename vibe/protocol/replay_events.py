"""Events only a replayed conversation tells: what a saved session holds that live events said
another way (part of the one event union in `vibe.protocol.events`)."""

from __future__ import annotations

from typing import Literal

from vibe.protocol.event_base import Event

__all__ = ["AnswerCutShort", "ConversationSummarised", "UserPrompt"]


class UserPrompt(Event):
    """What the user sent. Told by a replayed session (`vibe.agent.replay`); a live frontend
    shows the prompt it submits itself."""

    type: Literal["user_prompt"] = "user_prompt"
    text: str


class ConversationSummarised(Event):
    """In a replayed session, where compaction replaced the earlier conversation by a summary
    written for the model: frontends show a short note in its place, not the summary."""

    type: Literal["conversation_summarised"] = "conversation_summarised"


class AnswerCutShort(Event):
    """In a replayed session, after an answer that was stopped part-way: why (a live run says it
    with its `result`)."""

    type: Literal["answer_cut_short"] = "answer_cut_short"
    turn_id: str
    reason: str

"""Notes the loop writes into the conversation for the model, never for the user.

A compacted conversation starts with a summary written for the model, in a user message
(vibe.agent.compaction). A run stopped mid-answer keeps the partial answer with a
"[cut short: why]" line, so the next request knows it was incomplete; a run that stopped before
any answer is closed with a placeholder reply, so roles keep alternating for strict chat
templates. All are saved with the session. Frontends that show a saved conversation use
`shown_answer` and `is_summary` to tell them apart; the loop uses the builders here, so the two
cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vibe.messages import Message, UserMessage

NO_REPLY = "[no reply: the previous run stopped before the assistant answered]"
# Opens the user message that replaces a compacted conversation (prompts/compaction_summary.md).
SUMMARY_MARKER = "[conversation summary]"
_CUT_SHORT = re.compile(r"(?:^|\n)\[cut short: ([^\]\n]*)\]\Z")


_NO_VISION = "this model does not read images"


def without_images(messages: list[Message]) -> list[Message]:
    """The conversation for a model that does not read images: each attached image becomes a
    line saying it is not shown (a session with images can be continued on another model)."""
    return [
        UserMessage(content=f"{m.content}\n[{len(m.images)} attached image(s) not shown: {_NO_VISION}]")
        if isinstance(m, UserMessage) and m.images
        else m
        for m in messages
    ]


def is_summary(content: str) -> bool:
    """Whether a user message is a compaction summary rather than something the user wrote."""
    return content.startswith(SUMMARY_MARKER)


def cut_short(text: str, why: str) -> str:
    """A partial answer as the model reads it: the text, then why it ends there."""
    return f"{text}\n[cut short: {why}]"


@dataclass(frozen=True, slots=True)
class ShownAnswer:
    """What the user saw of an assistant message: its text and, if cut short, why."""

    text: str
    cut_short: str | None = None


def shown_answer(content: str) -> ShownAnswer:
    """An assistant message's content without the loop's markers (the placeholder shows as "")."""
    if content == NO_REPLY:
        return ShownAnswer("")
    match = _CUT_SHORT.search(content)
    if match is None:
        return ShownAnswer(content)
    return ShownAnswer(content[: match.start()], match.group(1))

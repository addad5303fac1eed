"""What vibe tells the model that no one said: every such text, defined once.

Some of it is a `Note` on a message (vibe.messages), rendered into the text only when a request
goes on the wire (`with_note_in_text`, called by the model client's history repair): an answer
cut short says why, a reply that never came is a placeholder, a compaction's summary is marked as
one. The rest are whole messages the loop and the history repair write in the same words: the
result of a call that never finished, the placeholder reply that keeps roles alternating.

Sessions saved before notes had a field of their own hold them in the text; `from_marked_text`
turns such a message into today's shape, and the session reader calls it for those files only.
"""

from __future__ import annotations

import re
from typing import TypeGuard

from vibe.messages import AssistantMessage, Message, Note, UserMessage

__all__ = [
    "INTERRUPTED",
    "NO_REPLY",
    "NO_REPLY_NOTE",
    "SUMMARY_NOTE",
    "TIME_LIMIT_REACHED",
    "cut_short",
    "from_marked_text",
    "is_summary",
    "unfinished_call",
    "with_note_in_text",
    "without_images",
]

# Why a run stopped short, as the model reads it.
INTERRUPTED = "the run was interrupted"
TIME_LIMIT_REACHED = "the run's time limit was reached"

# The reply the model reads where none came (a run stopped before the assistant answered).
NO_REPLY = "[no reply: the previous run stopped before the assistant answered]"
# Opens the user message that replaces a compacted conversation (see vibe.agent.compaction).
SUMMARY_MARKER = "[conversation summary]"
_CUT_SHORT = re.compile(r"(?:^|\n)\[cut short: ([^\]\n]*)\]\Z")

NO_REPLY_NOTE = Note(kind="no_reply")
SUMMARY_NOTE = Note(kind="summary")


def unfinished_call(why: str) -> str:
    """The result of a tool call that was stopped, or never answered, before it completed."""
    return f"Not finished: {why} before this call completed."


def cut_short(why: str) -> Note:
    return Note(kind="cut_short", why=why)


def is_summary(message: Message) -> TypeGuard[UserMessage]:
    """Whether a user message is a compaction summary rather than something the user wrote."""
    return isinstance(message, UserMessage) and message.note == SUMMARY_NOTE


def with_note_in_text(message: Message) -> Message:
    """`message` as the model reads it: its note, if any, rendered into its text."""
    if not isinstance(message, UserMessage | AssistantMessage) or message.note is None:
        return message
    note, content = message.note, message.content
    match note.kind:
        case "summary":
            content = f"{SUMMARY_MARKER} {content}"
        case "no_reply":
            content = NO_REPLY
        case "cut_short":
            content = f"{content}\n[cut short: {note.why}]"
    return message.model_copy(update={"content": content, "note": None})


def from_marked_text(message: Message) -> Message:
    """A message saved with its note in the text (format 1.0), with the note in its field. A
    message that has a note already (written into an old file by a resumed run) is left as is."""
    if isinstance(message, UserMessage | AssistantMessage) and message.note is not None:
        return message
    if isinstance(message, UserMessage) and message.content.startswith(SUMMARY_MARKER):
        summary = message.content.removeprefix(SUMMARY_MARKER).removeprefix(" ")
        return message.model_copy(update={"content": summary, "note": SUMMARY_NOTE})
    if not isinstance(message, AssistantMessage):
        return message
    if message.content == NO_REPLY:
        return message.model_copy(update={"content": "", "note": NO_REPLY_NOTE})
    match = _CUT_SHORT.search(message.content)
    if match is None:
        return message
    kept = message.content[: match.start()]
    return message.model_copy(update={"content": kept, "note": cut_short(match.group(1))})


_NO_VISION = "this model does not read images"
_NOT_SHOWN = "attached image(s) not shown"


def without_images(messages: list[Message]) -> list[Message]:
    """The conversation for a model that does not read images: each attached image becomes a
    line saying it is not shown (a session with images can be continued on another model)."""
    return [
        message.model_copy(
            update={
                "content": f"{message.content}\n[{len(message.images)} {_NOT_SHOWN}: {_NO_VISION}]",
                "images": (),
            }
        )
        if isinstance(message, UserMessage) and message.images
        else message
        for message in messages
    ]

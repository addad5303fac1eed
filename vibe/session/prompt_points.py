"""The prompts of a saved conversation as points it can be rewound to (/rewind).

Read from the session file, which already says all that is needed, in order: each prompt (a
user message), the checkpoint taken for it (the `checkpoint_created` record that follows it,
before the next prompt), the prompts taken back (`retract`), and compactions or a fork that
replaced the history. For each prompt this gives where it sits in the conversation as the model
now sees it (its index in the history), so the conversation can be cut back to just before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vibe.messages import Message, UserMessage
from vibe.session.records import (
    CheckpointRecord,
    CompactionRecord,
    ForkRecord,
    MessageRecord,
    RetractRecord,
    read_session,
)

__all__ = ["PromptPoint", "prompt_points"]


@dataclass(slots=True)
class PromptPoint:
    text: str
    # Where the prompt sits in the current history; None once it was compacted away or retracted.
    history_index: int | None
    # The checkpoint taken before its first change; None when it changed nothing (or failed).
    checkpoint_id: str | None = None
    # Taken back (a prompt that did not fit, or a rewind of the conversation): no longer offered.
    retracted: bool = False


def prompt_points(path: Path) -> list[PromptPoint]:
    """Every prompt the session file records, in the order sent (retracted ones too, marked:
    their checkpoints still tell what the workspace went through). Raises OSError and
    SessionFormatError as `read_session` does."""
    messages: list[Message] = []
    points: list[PromptPoint] = []
    for record in read_session(path).records:
        match record:
            case MessageRecord(message=UserMessage(note=None) as prompt):
                points.append(PromptPoint(prompt.content, len(messages)))
                messages.append(prompt)
            case MessageRecord(message=message):
                messages.append(message)
            case CheckpointRecord(kind="checkpoint_created", checkpoint_id=str(checkpoint_id)):
                if points and not points[-1].retracted and points[-1].checkpoint_id is None:
                    points[-1].checkpoint_id = checkpoint_id
            case RetractRecord(messages=count):
                del messages[-count:]
                for point in points:
                    if point.history_index is not None and point.history_index >= len(messages):
                        point.history_index, point.retracted = None, True
            case CompactionRecord(messages=held) | ForkRecord(messages=held):
                messages = list(held)
                _relocate(points, messages, adopt=isinstance(record, ForkRecord) and not points)
            case _:
                pass
    return points


def _relocate(points: list[PromptPoint], held: list[Message], *, adopt: bool) -> None:
    """After the history was replaced: find each prompt still in it (a compaction keeps the
    recent ones as they were), in order. A fork's first record brings the prompts of the session
    it continues (`adopt`): they are points too, without checkpoints of this session."""
    if adopt:
        points.extend(
            PromptPoint(message.content, index)
            for index, message in enumerate(held)
            if isinstance(message, UserMessage) and message.note is None
        )
        return
    cursor = 0
    for point in points:
        if point.history_index is None:
            continue
        point.history_index = None
        for index in range(cursor, len(held)):
            message = held[index]
            if isinstance(message, UserMessage) and message.note is None and message.content == point.text:
                point.history_index, cursor = index, index + 1
                break

"""Notes to the model: kept beside a message's text, rendered into it only on the wire, and the
texts of older sessions (where they were in the text) read back into the field."""

from __future__ import annotations

import pytest

from vibe.messages import AssistantMessage, Message, Note, ToolCall, UserMessage
from vibe.notes import (
    INTERRUPTED,
    NO_REPLY,
    NO_REPLY_NOTE,
    SUMMARY_MARKER,
    SUMMARY_NOTE,
    TIME_LIMIT_REACHED,
    cut_short,
    from_marked_text,
    with_note_in_text,
)

CALL = ToolCall(id="abcDEF123", name="bash", arguments="{}")
PLAIN = AssistantMessage(content="plain", tool_calls=(CALL,))


@pytest.mark.parametrize(
    ("kept", "sent"),
    [
        (
            AssistantMessage(content="Half an answ", note=cut_short(INTERRUPTED)),
            AssistantMessage(content="Half an answ\n[cut short: the run was interrupted]"),
        ),
        (
            AssistantMessage(content="", note=cut_short(TIME_LIMIT_REACHED)),
            AssistantMessage(content="\n[cut short: the run's time limit was reached]"),
        ),
        (AssistantMessage(note=NO_REPLY_NOTE), AssistantMessage(content=NO_REPLY)),
        (
            UserMessage(content="The earlier part was summarised.", note=SUMMARY_NOTE),
            UserMessage(content=f"{SUMMARY_MARKER} The earlier part was summarised."),
        ),
        (PLAIN, PLAIN),
    ],
)
def test_a_note_reaches_the_model_in_the_text_and_old_sessions_read_back_the_same(
    kept: Message, sent: Message
) -> None:
    assert with_note_in_text(kept) == sent
    # A session written before notes had a field saved `sent`: it is read back as `kept`.
    assert from_marked_text(sent) == kept


def test_text_that_only_looks_like_a_note_is_left_alone() -> None:
    for message in (
        UserMessage(content="what does [conversation summary] mean?"),
        AssistantMessage(content="[cut short: x] is how vibe marks it, mid-sentence"),
        AssistantMessage(content="done", note=Note(kind="cut_short", why="y")),
    ):
        assert from_marked_text(message) == message

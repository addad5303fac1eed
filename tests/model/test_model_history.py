"""History repair before sending: the shapes strict chat templates reject, and their fixes."""

from __future__ import annotations

import re

from vibe.messages import AssistantMessage, Message, SystemMessage, ToolCall, ToolMessage, UserMessage
from vibe.model.history import MISSING_TOOL_NAME
from vibe.model.wire import sanitize_history
from vibe.notes import INTERRUPTED, NO_REPLY, unfinished_call


def call(call_id: str, name: str = "read_file") -> ToolCall:
    return ToolCall(id=call_id, name=name, arguments='{"path": "a.py"}')


def result(call_id: str, content: str = "ok", name: str = "read_file") -> ToolMessage:
    return ToolMessage(tool_call_id=call_id, name=name, content=content)


def test_healthy_history_is_unchanged() -> None:
    history: list[Message] = [
        SystemMessage(content="sys"),
        UserMessage(content="fix it"),
        AssistantMessage(content="looking", tool_calls=(call("abcDEF123"), call("ghiJKL456"))),
        result("abcDEF123"),
        result("ghiJKL456"),
        AssistantMessage(content="done"),
        UserMessage(content="thanks"),
    ]
    assert sanitize_history(history) == history


def test_unanswered_call_gets_a_synthetic_result_in_call_order() -> None:
    history: list[Message] = [
        UserMessage(content="go"),
        AssistantMessage(tool_calls=(call("aaaaaaaa1"), call("bbbbbbbb2", "grep"))),
        result("bbbbbbbb2", name="grep"),
    ]
    assert sanitize_history(history)[2:] == [
        ToolMessage(tool_call_id="aaaaaaaa1", name="read_file", content=unfinished_call(INTERRUPTED)),
        result("bbbbbbbb2", name="grep"),
    ]


def test_orphan_and_duplicate_tool_messages_are_dropped() -> None:
    history: list[Message] = [
        result("zzzzzzzz9"),  # answers nothing
        UserMessage(content="go"),
        AssistantMessage(tool_calls=(call("aaaaaaaa1"),)),
        result("aaaaaaaa1", "first"),
        result("aaaaaaaa1", "second"),
        result("unknown00"),
        AssistantMessage(content="done"),
    ]
    assert sanitize_history(history) == [
        UserMessage(content="go"),
        AssistantMessage(tool_calls=(call("aaaaaaaa1"),)),
        result("aaaaaaaa1", "first"),
        AssistantMessage(content="done"),
    ]


def test_result_separated_from_its_call_by_a_user_message_is_not_reattached() -> None:
    history: list[Message] = [
        AssistantMessage(tool_calls=(call("aaaaaaaa1"),)),
        UserMessage(content="stop"),
        result("aaaaaaaa1", "late"),
    ]
    assert sanitize_history(history) == [
        AssistantMessage(tool_calls=(call("aaaaaaaa1"),)),
        ToolMessage(tool_call_id="aaaaaaaa1", name="read_file", content=unfinished_call(INTERRUPTED)),
        AssistantMessage(content=NO_REPLY),
        UserMessage(content="stop"),
    ]


def test_consecutive_user_messages_are_merged() -> None:
    history: list[Message] = [
        UserMessage(content="one"),
        UserMessage(content="two"),
        UserMessage(content="three"),
    ]
    assert sanitize_history(history) == [UserMessage(content="one\n\ntwo\n\nthree")]


def test_user_after_tool_gets_a_minimal_assistant_between() -> None:
    history: list[Message] = [
        UserMessage(content="go"),
        AssistantMessage(tool_calls=(call("aaaaaaaa1"),)),
        result("aaaaaaaa1"),
        UserMessage(content="actually, stop"),
    ]
    roles = [message.role for message in sanitize_history(history)]
    assert roles == ["user", "assistant", "tool", "assistant", "user"]
    assert sanitize_history(history)[3] == AssistantMessage(content=NO_REPLY)


def test_empty_assistant_is_dropped_and_plain_assistants_merge_into_the_next() -> None:
    history: list[Message] = [
        UserMessage(content="a"),
        AssistantMessage(),
        UserMessage(content="b"),
        AssistantMessage(content="thinking aloud", reasoning="r1"),
        AssistantMessage(content="now a call", tool_calls=(call("aaaaaaaa1"),)),
        result("aaaaaaaa1"),
    ]
    assert sanitize_history(history) == [
        UserMessage(content="a\n\nb"),
        AssistantMessage(
            content="thinking aloud\n\nnow a call", reasoning="r1", tool_calls=(call("aaaaaaaa1"),)
        ),
        result("aaaaaaaa1"),
    ]


def test_reused_ids_are_renamed_consistently_and_deterministically() -> None:
    history: list[Message] = [
        UserMessage(content="go"),
        AssistantMessage(tool_calls=(call("0"),)),
        result("0", "first"),
        AssistantMessage(tool_calls=(call("0"), call("0"))),  # a server that counts from 0 per turn
        result("0", "second"),
        result("0", "third"),
    ]
    sanitized = sanitize_history(history)
    first_turn, second_turn = sanitized[1], sanitized[3]
    assert isinstance(first_turn, AssistantMessage)
    assert isinstance(second_turn, AssistantMessage)
    ids = [c.id for c in first_turn.tool_calls + second_turn.tool_calls]
    assert ids[0] == "0"  # the first use keeps its id
    assert len(set(ids)) == 3
    assert all(re.fullmatch(r"[A-Za-z0-9]{9}", renamed) for renamed in ids[1:])
    # Each result follows its own call, in order, under the new id.
    assert [(m.tool_call_id, m.content) for m in sanitized if isinstance(m, ToolMessage)] == [
        ("0", "first"),
        (ids[1], "second"),
        (ids[2], "third"),
    ]
    assert sanitize_history(history) == sanitized  # the same renaming on every send


def test_sanitizing_twice_changes_nothing_more() -> None:
    history: list[Message] = [
        UserMessage(content="a"),
        UserMessage(content="b"),
        AssistantMessage(tool_calls=(call("x"), call("x"))),
        UserMessage(content="c"),
    ]
    once = sanitize_history(history)
    assert sanitize_history(once) == once


def test_calls_a_strict_server_would_refuse_go_back_valid() -> None:
    broken = ToolCall(id="aaaaaaaa1", name="glob", arguments='{"pattern": "*.md"')
    not_an_object = ToolCall(id="bbbbbbbb2", name="grep", arguments='["x"]')
    nameless = ToolCall(id="cccccccc3", name=" ", arguments='{"pattern": "*"}')
    history: list[Message] = [
        UserMessage(content="go"),
        AssistantMessage(tool_calls=(broken, not_an_object, nameless)),
        result("aaaaaaaa1", "not valid JSON", name="glob"),
        result("bbbbbbbb2", "not an object", name="grep"),
        result("cccccccc3", "no name", name=" "),
    ]

    repaired = sanitize_history(history)

    assistant = repaired[1]
    assert isinstance(assistant, AssistantMessage)
    assert [(c.name, c.arguments) for c in assistant.tool_calls] == [
        ("glob", "{}"),
        ("grep", "{}"),
        (MISSING_TOOL_NAME, '{"pattern": "*"}'),
    ]
    # The result answers the call under the name the call is sent with.
    assert [(m.name, m.content) for m in repaired[2:] if isinstance(m, ToolMessage)] == [
        ("glob", "not valid JSON"),
        ("grep", "not an object"),
        (MISSING_TOOL_NAME, "no name"),
    ]
    # Nothing of it is stored: the record keeps what the model sent.
    assert history[1] == AssistantMessage(tool_calls=(broken, not_an_object, nameless))


def test_valid_arguments_are_sent_exactly_as_the_model_wrote_them() -> None:
    spaced = ToolCall(id="aaaaaaaa1", name="glob", arguments='{ "pattern" :\n "*.md" }')
    history: list[Message] = [
        UserMessage(content="go"),
        AssistantMessage(tool_calls=(spaced,)),
        result("aaaaaaaa1"),
    ]
    assert sanitize_history(history)[1] == AssistantMessage(tool_calls=(spaced,))

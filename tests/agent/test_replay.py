"""A saved conversation told again as events: what the user saw, with the loop's notes to the
model turned into events of their own or left out."""

from __future__ import annotations

from vibe.agent.replay import replay_events
from vibe.messages import AssistantMessage, ToolCall, ToolMessage, UserMessage
from vibe.notes import INTERRUPTED, NO_REPLY_NOTE, SUMMARY_NOTE, cut_short
from vibe.prompts import load_prompt
from vibe.protocol import events as ev
from vibe.session.call_views import CallView


def test_notes_for_the_model_become_events_of_their_own_or_are_left_out() -> None:
    history = [
        UserMessage(content="what happened before", note=SUMMARY_NOTE),
        AssistantMessage(content=load_prompt("compaction_ack.md")),
        UserMessage(content="go"),
        AssistantMessage(content="Partial answ", note=cut_short(INTERRUPTED)),
        UserMessage(content="again"),
        AssistantMessage(note=NO_REPLY_NOTE),
    ]
    told = [
        (event.type, getattr(event, "text", getattr(event, "reason", None)))
        for event in replay_events(history, {}, {})
        if not isinstance(event, ev.TurnStarted)
    ]
    assert told == [
        ("conversation_summarised", None),
        ("user_prompt", "go"),
        ("text_delta", "Partial answ"),
        ("answer_cut_short", "the run was interrupted"),
        ("user_prompt", "again"),
    ]


def test_calls_keep_their_saved_view_and_fall_back_to_what_the_messages_say() -> None:
    history = [
        AssistantMessage(
            content="",
            tool_calls=(
                ToolCall(id="a", name="read_file", arguments='{"path": "calc.py"}'),
                ToolCall(id="b", name="bash", arguments='{"command": "make test\\nmore"}'),
            ),
        ),
        ToolMessage(tool_call_id="a", name="read_file", content="1\tdef add"),
        ToolMessage(tool_call_id="b", name="bash", content="Denied: not now"),
    ]
    views = {"a": CallView(title="Read calc.py", kind="read", locations=("calc.py",), status="ok")}
    events = replay_events(history, views, {"bash": "execute"})
    started = [event for event in events if isinstance(event, ev.ToolCallStarted)]
    finished = [event for event in events if isinstance(event, ev.ToolCallFinished)]
    assert [(s.title, s.kind, s.locations) for s in started] == [
        ("Read calc.py", "read", ["calc.py"]),
        ("bash: make test", "execute", []),
    ]
    assert [(f.call_id, f.status) for f in finished] == [("a", "ok"), ("b", "error")]

"""A saved conversation told again as the events its live turns emitted, for every frontend that
shows a resumed session (the TUI on resume, an editor's `session/load`).

Each saved message becomes events: a user prompt, then per answer its reasoning, its text and the
tool calls it started, and each tool result the call's end. Tool calls keep the title, kind,
locations and status they were shown with live: the call views the agent saves beside the
messages (`vibe.session.call_views`). Sessions saved before those existed fall back to what the
messages say (a title from the key argument, the tool's kind, a status from the result text).

The notes written for the model (`Note`, vibe.notes) are not told as what they say: a
compaction's summary becomes `ConversationSummarised` and its acknowledgement is left out, the
placeholder reply of a run that stopped before answering is left out, and an answer cut short
becomes `AnswerCutShort`. Live-only detail (streamed output, an edit's diff, the plan) is not saved and
not told. Calls a crash left without a result end unfinished: each frontend closes them its way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast, get_args

from vibe.agent.compaction import is_acknowledgement
from vibe.agent.dispatch import parse_arguments
from vibe.agent.hook_text import typed_prompt
from vibe.messages import AssistantMessage, Message, ToolCall, ToolMessage, UserMessage
from vibe.notes import is_summary
from vibe.protocol import events as ev
from vibe.session.call_views import CallView, load_call_views

if TYPE_CHECKING:
    from vibe.agent.loop import Agent

__all__ = ["REPLAY_TURN", "replay_events", "replay_saved"]

# The turn id of every replayed event: the saved messages do not keep their turns.
REPLAY_TURN = "replay"
# Results the loop writes for calls that did not run (see vibe.agent.dispatch and loop); only
# needed for sessions saved without call views, which carry no status.
_NOT_RUN = ("Denied:", "Not finished:", "Unknown tool", "Invalid arguments", "Internal error")
# What names a call best in a fallback title, in order of preference.
_TITLE_ARGUMENTS = ("path", "command", "pattern", "query", "url")


async def replay_saved(agent: Agent) -> list[ev.AgentEvent]:
    """The events that show `agent`'s resumed conversation, as its live turns showed it."""
    from vibe.tools.builtin import builtin_registry

    path = agent.session_file
    views = await asyncio.to_thread(load_call_views, path) if path is not None else {}
    kinds = {tool.name: tool.kind for tool in builtin_registry()}
    return replay_events(agent.history, views, kinds)


def replay_events(
    history: Sequence[Message], views: Mapping[str, CallView], tool_kinds: Mapping[str, str]
) -> list[ev.AgentEvent]:
    """`history` as events; `views` by call id, `tool_kinds` by tool name (for calls without one)."""
    events: list[ev.AgentEvent] = []
    for message in history:
        if is_acknowledgement(message):
            continue  # compaction's reply to its own summary
        if is_summary(message):
            events.append(ev.ConversationSummarised())
        elif isinstance(message, UserMessage):
            events.append(ev.UserPrompt(text=typed_prompt(message.content)))
        elif isinstance(message, AssistantMessage):
            events += _answer(message, views, tool_kinds)
        elif isinstance(message, ToolMessage):
            events.append(_finished(message, views.get(message.tool_call_id)))
    return events


def _answer(
    message: AssistantMessage, views: Mapping[str, CallView], tool_kinds: Mapping[str, str]
) -> list[ev.AgentEvent]:
    events: list[ev.AgentEvent] = [ev.TurnStarted(turn_id=REPLAY_TURN, turn=0)]
    if message.reasoning:
        events.append(ev.ReasoningDelta(turn_id=REPLAY_TURN, text=message.reasoning))
    if message.content:
        events.append(ev.TextDelta(turn_id=REPLAY_TURN, text=message.content))
    if message.note is not None and message.note.kind == "cut_short":
        events.append(ev.AnswerCutShort(turn_id=REPLAY_TURN, reason=message.note.why))
    events += [_started(call, views.get(call.id), tool_kinds) for call in message.tool_calls]
    return events


def _started(call: ToolCall, view: CallView | None, tool_kinds: Mapping[str, str]) -> ev.ToolCallStarted:
    arguments = parse_arguments(call.arguments)
    if view is not None:
        title, kind, locations = view.title, view.kind, list(view.locations)
    else:
        title, kind = _fallback_title(call.name, arguments), tool_kinds.get(call.name, "other")
        path = arguments.get("path")
        locations = [path] if isinstance(path, str) and path else []
    return ev.ToolCallStarted(
        turn_id=REPLAY_TURN,
        call_id=call.id,
        tool=call.name,
        kind=_tool_kind(kind),
        title=title,
        arguments=arguments,
        locations=locations,
    )


def _finished(message: ToolMessage, view: CallView | None) -> ev.ToolCallFinished:
    saved = view.status if view is not None else None
    if saved in get_args(ev.ToolStatus):
        status = cast(ev.ToolStatus, saved)
    else:  # not saved (an older session, or a call cut short): what the result text says
        status = "error" if message.content.startswith(_NOT_RUN) else "ok"
    return ev.ToolCallFinished(
        turn_id=REPLAY_TURN,
        call_id=message.tool_call_id,
        tool=message.name,
        status=status,
        output=message.content,
    )


def _tool_kind(name: str) -> ev.ToolKind:
    return cast(ev.ToolKind, name) if name in get_args(ev.ToolKind) else "other"


def _fallback_title(name: str, arguments: Mapping[str, Any]) -> str:
    for key in _TITLE_ARGUMENTS:
        value = arguments.get(key)
        if isinstance(value, str) and value.strip():
            return f"{name}: {value.strip().splitlines()[0][:80]}"
    return name

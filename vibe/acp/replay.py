"""A saved conversation replayed as `session/update`s, for `session/load`.

The replay shows what the live session showed: each saved message becomes the agent events it
came from, and those go through the same `EventTranslator` a live turn uses, so tool calls keep
their kind, title, locations, status and content formatting. Titles, locations and statuses come
from the call views the agent saves beside the messages (vibe.session.call_views); sessions saved
before those existed fall back to what the messages say.

The notes written for the model are left out: a compaction's summary (a short note stands in
for it) and its acknowledgement, the placeholder reply entirely, and the
"[cut short: …]" line of an interrupted answer (the editor showed the partial answer, without a
note, when it happened; the turn's stop reason said the rest). Live-only detail (streamed output,
an edit's full old and new text, the plan) is not stored, so an edit replays as its result text.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast, get_args

from acp.helpers import update_agent_message_text, update_user_message_text

from vibe.acp.editor_fs import FileActivity
from vibe.acp.translate import EventTranslator, Update
from vibe.agent.compaction import is_acknowledgement
from vibe.agent.dispatch import parse_arguments
from vibe.agent.markers import is_summary, shown_answer
from vibe.messages import AssistantMessage, Message, ToolCall, ToolMessage, UserMessage
from vibe.protocol import events as ev
from vibe.session.call_views import CallView, load_call_views

if TYPE_CHECKING:
    from vibe.acp.session import EditorSession

_TURN = "replay"
# In place of a compacted conversation's summary, which was written for the model.
SUMMARISED_NOTE = "> (earlier conversation summarised to fit the context window)\n\n"
# Results the loop writes for calls that did not run (see vibe.agent.dispatch and loop); only
# needed for sessions saved without call views, which carry no status.
_NOT_RUN = ("Denied:", "Not finished:", "Unknown tool", "Invalid arguments", "Internal error")
# What names a call best in a fallback title, in order of preference.
_TITLE_ARGUMENTS = ("path", "command", "pattern", "query", "url")


async def replay_session(session: EditorSession, tool_kinds: Mapping[str, str]) -> list[Update]:
    """The updates that show `session`'s saved conversation, as its live turns showed it."""
    path = session.agent.session_file
    views = await asyncio.to_thread(load_call_views, path) if path is not None else {}
    # A translator of its own, set up like the session's live one: replaying leaves it untouched.
    translator = EventTranslator(cwd=session.cwd, activity=FileActivity(), paths=session.paths)
    return replay_updates(session.agent.history, views, tool_kinds, translator)


def replay_updates(
    history: Sequence[Message],
    views: Mapping[str, CallView],
    tool_kinds: Mapping[str, str],
    translator: EventTranslator,
) -> list[Update]:
    updates: list[Update] = []
    for message in history:
        if is_acknowledgement(message):
            continue  # compaction's reply to its own summary
        if isinstance(message, UserMessage) and is_summary(message.content):
            updates.append(update_agent_message_text(SUMMARISED_NOTE))
        elif isinstance(message, UserMessage):
            updates.append(update_user_message_text(message.content))
        elif isinstance(message, AssistantMessage):
            updates += _translate(translator, _answer_events(message, views, tool_kinds))
        elif isinstance(message, ToolMessage):
            updates += translator.translate(_finished(message, views.get(message.tool_call_id)))
    # Calls a crash left unanswered: the editor must not show them running.
    return updates + translator.close_open_calls()


def _translate(translator: EventTranslator, events: Iterable[ev.AgentEvent]) -> list[Update]:
    return [update for event in events for update in translator.translate(event)]


def _answer_events(
    message: AssistantMessage, views: Mapping[str, CallView], tool_kinds: Mapping[str, str]
) -> list[ev.AgentEvent]:
    events: list[ev.AgentEvent] = [ev.TurnStarted(turn_id=_TURN, turn=0)]
    if message.reasoning:
        events.append(ev.ReasoningDelta(turn_id=_TURN, text=message.reasoning))
    text = shown_answer(message.content).text
    if text:
        events.append(ev.TextDelta(turn_id=_TURN, text=text))
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
        turn_id=_TURN,
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
        turn_id=_TURN, call_id=message.tool_call_id, tool=message.name, status=status, output=message.content
    )


def _tool_kind(name: str) -> ev.ToolKind:
    return cast(ev.ToolKind, name) if name in get_args(ev.ToolKind) else "other"


def _fallback_title(name: str, arguments: Mapping[str, Any]) -> str:
    for key in _TITLE_ARGUMENTS:
        value = arguments.get(key)
        if isinstance(value, str) and value.strip():
            return f"{name}: {value.strip().splitlines()[0][:80]}"
    return name

"""A saved session as a document people read: every prompt, answer and tool call in the order
they happened, for `vibe sessions show` and `export` (to attach to a pull request or a bug
report).

Unlike `SessionStore.load`, which rebuilds what the model last saw (a compaction replaces what
came before it), this keeps everything that was said and notes where the conversation was
compacted or forked. Sessions are written redacted, so nothing here needs redacting again.
A message's note for the model (an answer cut short, a compaction's summary) is shown as the
model read it, in the text (vibe.notes).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from vibe.messages import AssistantMessage, Message, ToolMessage, UserMessage
from vibe.notes import with_note_in_text
from vibe.session.call_views import CallView, call_views
from vibe.session.records import (
    CompactionRecord,
    ForkRecord,
    MessageRecord,
    ResultRecord,
    RetractRecord,
    read_session,
)
from vibe.session.store import SessionInfo

__all__ = ["Transcript", "as_json", "read_transcript"]

EntryKind = Literal["user", "assistant", "note"]


@dataclass(frozen=True, slots=True)
class ToolEntry:
    call_id: str
    name: str
    arguments: str
    title: str
    status: str  # "ok", "error", "denied", "cancelled", or "" when it never finished
    output: str = ""


@dataclass(slots=True)
class Entry:
    kind: EntryKind
    text: str
    tools: list[ToolEntry] = field(default_factory=list[ToolEntry])


@dataclass(frozen=True, slots=True)
class RunTotals:
    runs: int = 0
    turns: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


@dataclass(slots=True)
class Transcript:
    info: SessionInfo
    entries: list[Entry]
    totals: RunTotals
    damaged_lines: int = 0


def read_transcript(info: SessionInfo) -> Transcript:
    """Raises SessionFormatError for a file of a newer major format."""
    read = read_session(info.path)
    views = call_views(read.records)
    entries: list[Entry] = []
    totals = RunTotals()
    for record in read.records:
        match record:
            case MessageRecord(message=message):
                _add_message(message, entries, views)
            case CompactionRecord():
                entries.append(Entry("note", "The conversation was compacted here."))
            case ForkRecord(forked_from=forked_from):
                entries.append(Entry("note", f"Continued from session {forked_from}."))
            case RetractRecord():
                entries.append(Entry("note", "The last prompt was withdrawn (it did not fit)."))
            case ResultRecord():
                totals = _add_result(totals, record)
            case _:
                pass
    return Transcript(info, entries, totals, read.damaged_lines)


def _add_message(saved: Message, entries: list[Entry], views: dict[str, CallView]) -> None:
    message = with_note_in_text(saved)
    match message:
        case UserMessage():
            entries.append(Entry("user", message.content))
        case AssistantMessage():
            entry = Entry("assistant", message.content)
            for call in message.tool_calls:
                view = views.get(call.id)
                title = view.title if view else call.name
                entry.tools.append(ToolEntry(call.id, call.name, call.arguments, title, _status(view)))
            entries.append(entry)
        case ToolMessage():
            _attach_result(entries, message.tool_call_id, message.content)
        case _:
            pass


def _attach_result(entries: list[Entry], call_id: str, output: str) -> None:
    for entry in reversed(entries):
        for index, tool in enumerate(entry.tools):
            if tool.call_id == call_id:
                entry.tools[index] = replace(tool, output=output)
                return


def _status(view: CallView | None) -> str:
    if view is None or view.status is None:
        return ""
    return view.status


def _add_result(totals: RunTotals, record: ResultRecord) -> RunTotals:
    return RunTotals(
        runs=totals.runs + 1,
        turns=totals.turns + record.turns,
        prompt_tokens=totals.prompt_tokens + record.prompt_tokens,
        completion_tokens=totals.completion_tokens + record.completion_tokens,
        cost_usd=totals.cost_usd + record.cost_usd,
    )


def as_json(transcript: Transcript) -> str:
    info = transcript.info
    document = {
        "id": info.id,
        "cwd": info.cwd,
        "created": info.created,
        "model": info.model,
        "totals": _totals(transcript),
        "entries": [
            {"kind": entry.kind, "text": entry.text, "tools": [tool_as_dict(tool) for tool in entry.tools]}
            for entry in transcript.entries
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _totals(transcript: Transcript) -> dict[str, Any]:
    totals = transcript.totals
    return {
        "runs": totals.runs,
        "turns": totals.turns,
        "prompt_tokens": totals.prompt_tokens,
        "completion_tokens": totals.completion_tokens,
        "cost_usd": round(totals.cost_usd, 6),
    }


def tool_as_dict(tool: ToolEntry) -> dict[str, str]:
    return {
        "call_id": tool.call_id,
        "name": tool.name,
        "title": tool.title,
        "arguments": tool.arguments,
        "status": tool.status,
        "output": tool.output,
    }

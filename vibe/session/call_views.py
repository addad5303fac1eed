"""How each tool call was shown while it ran, saved in the session beside the conversation.

Messages hold what the model read. A call's title ("Read src/app.py", the command line), its
locations and its outcome come from the tool when it runs (they depend on the workspace and
the files at that moment) and cannot be worked out again later, so a replayed session would
show something else. Two records per call keep them (vibe.session.records): one when the call
starts, one with its status when it ends (a call cut short by an interrupt has none).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from vibe.session.records import (
    CallFinishedRecord,
    CallStartedRecord,
    Record,
    SessionFormatError,
    read_session,
)
from vibe.session.store import SessionWriter

__all__ = ["CallView", "load_call_views", "write_finished", "write_started"]


@dataclass(frozen=True, slots=True)
class CallView:
    title: str
    kind: str
    locations: tuple[str, ...] = ()
    # "ok", "error", "denied" or "cancelled"; None when the call never finished.
    status: str | None = None


def write_started(writer: SessionWriter, call_id: str, view: CallView) -> None:
    shown = list(view.locations)
    writer.write(CallStartedRecord(call_id=call_id, title=view.title, tool_kind=view.kind, locations=shown))


def write_finished(writer: SessionWriter, call_id: str, status: str) -> None:
    writer.write(CallFinishedRecord(call_id=call_id, status=status))


def load_call_views(path: Path) -> dict[str, CallView]:
    """Call id → view, from a session file; calls saved before views were recorded are absent."""
    try:
        records = read_session(path).records
    except (OSError, SessionFormatError):
        return {}  # a replay falls back to what the messages say
    return call_views(records)


def call_views(records: Iterable[Record]) -> dict[str, CallView]:
    views: dict[str, CallView] = {}
    for record in records:
        match record:
            case CallStartedRecord(call_id=call_id, title=title, tool_kind=kind, locations=locations):
                views[call_id] = CallView(title=title, kind=kind, locations=tuple(locations))
            case CallFinishedRecord(call_id=call_id, status=status) if call_id in views:
                views[call_id] = replace(views[call_id], status=status)
            case _:
                pass
    return views

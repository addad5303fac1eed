"""How each tool call was shown while it ran, saved in the session beside the conversation.

Messages hold what the model read. A call's title ("Read src/app.py", the command line), its
locations and its outcome come from the tool when it runs (they depend on the workspace and
the files at that moment) and cannot be worked out again later, so a replayed session would
show something else. Two records per call keep them: one when the call starts, one with its
status when it ends (a call cut short by an interrupt has none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

from vibe.session.store import SessionWriter

_STARTED = "tool_call"
_FINISHED = "tool_call_status"


@dataclass(frozen=True, slots=True)
class CallView:
    title: str
    kind: str
    locations: tuple[str, ...] = ()
    # "ok", "error", "denied" or "cancelled"; None when the call never finished.
    status: str | None = None


def write_started(writer: SessionWriter, call_id: str, view: CallView) -> None:
    writer.append_record(
        _STARTED,
        {"call_id": call_id, "title": view.title, "tool_kind": view.kind, "locations": list(view.locations)},
    )


def write_finished(writer: SessionWriter, call_id: str, status: str) -> None:
    writer.append_record(_FINISHED, {"call_id": call_id, "status": status})


def load_call_views(path: Path) -> dict[str, CallView]:
    """Call id → view, from a session file; calls saved before views were recorded are absent."""
    views: dict[str, CallView] = {}
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                _apply(views, line)
    except (OSError, UnicodeDecodeError):
        return views  # what was read is still right; a replay falls back for the rest
    return views


def _apply(views: dict[str, CallView], line: str) -> None:
    try:
        record: object = json.loads(line)
    except json.JSONDecodeError:
        return  # a torn line from a crash
    if not isinstance(record, dict):
        return
    fields: dict[str, object] = record  # pyright: ignore[reportUnknownVariableType]
    call_id, kind = fields.get("call_id"), fields.get("kind")
    if not isinstance(call_id, str):
        return
    if kind == _STARTED:
        title, tool_kind, locations = fields.get("title"), fields.get("tool_kind"), fields.get("locations")
        if isinstance(title, str) and isinstance(tool_kind, str) and isinstance(locations, list):
            shown = tuple(str(location) for location in locations)  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
            views[call_id] = CallView(title=title, kind=tool_kind, locations=shown)
    elif kind == _FINISHED:
        status, view = fields.get("status"), views.get(call_id)
        if isinstance(status, str) and view is not None:
            views[call_id] = replace(view, status=status)

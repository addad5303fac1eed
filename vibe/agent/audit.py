"""Turns the event stream into audit records: one per finished tool call.

An observer of `Agent` events, so every frontend gets the same audit trail without knowing of it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, Protocol

from vibe.protocol import events as ev

log = logging.getLogger("vibe.audit")


class AuditSink(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...


class AuditObserver:
    def __init__(self, sink: AuditSink) -> None:
        self._sink = sink
        self._session: ev.SessionStarted | None = None
        self._started: dict[str, ev.ToolCallStarted] = {}
        self._broken = False

    def __call__(self, event: ev.AgentEvent) -> None:
        match event:
            case ev.SessionStarted():
                self._session = event
            case ev.ToolCallStarted():
                self._started[event.call_id] = event
            case ev.ToolCallFinished():
                self._record(event, self._started.pop(event.call_id, None))
            case _:
                pass

    def _record(self, finished: ev.ToolCallFinished, started: ev.ToolCallStarted | None) -> None:
        session = self._session
        record: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "session_id": session.session_id if session else None,
            "cwd": session.cwd if session else None,
            "call_id": finished.call_id,
            "tool": finished.tool,
            "title": started.title if started else finished.tool,
            "arguments": started.arguments if started else {},
            "status": finished.status,
            "decided_by": finished.decided_by,
            "reason": finished.decision_reason,
            "rule": finished.rule,
            "permission_mode": session.permission_mode if session else None,
            "sandbox": session.sandbox if session else None,
            "duration_ms": finished.duration_ms,
        }
        if self._broken:
            return
        try:
            self._sink.write(record)
        except OSError as exc:  # the audit trail failing must not stop the work; the log says so
            self._broken = True
            log.error("cannot write the audit log: %s", exc)

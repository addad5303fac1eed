"""The audit log: one record per tool call, written at the dispatcher's after-call seam, so every
frontend gets the same trail without knowing of it, and tools added at run time are audited too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from vibe.agent.call_seams import CallOutcome, CallSeam

__all__ = ["AuditContext", "AuditSeam", "AuditSink"]

log = logging.getLogger("vibe.audit")


class AuditSink(Protocol):
    def write(self, record: dict[str, Any]) -> None: ...


@dataclass(frozen=True, slots=True)
class AuditContext:
    """What every record of a conversation says about where it ran."""

    session_id: str
    cwd: str
    sandbox: str
    # Read when a call ends: the mode may have changed since the conversation started.
    permission_mode: Callable[[], str]


class AuditSeam(CallSeam):
    def __init__(self, sink: AuditSink, context: AuditContext) -> None:
        self._sink = sink
        self._context = context
        self._broken = False

    def after_call(self, outcome: CallOutcome) -> None:
        if self._broken:
            return
        context = self._context
        record: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "session_id": context.session_id,
            "cwd": context.cwd,
            "call_id": outcome.call_id,
            "tool": outcome.tool,
            "title": outcome.title,
            "arguments": outcome.arguments,
            "status": outcome.status,
            "decided_by": outcome.decided_by,
            "reason": outcome.reason,
            "rule": outcome.rule,
            "permission_mode": context.permission_mode(),
            "sandbox": context.sandbox,
            "duration_ms": outcome.duration_ms,
        }
        try:
            self._sink.write(record)
        except OSError as exc:  # the audit trail failing must not stop the work; the log says so
            self._broken = True
            log.error("cannot write the audit log: %s", exc)

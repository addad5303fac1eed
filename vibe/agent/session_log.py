"""The conversation's session file as the agent writes it.

Session writes never end a run: the first one that fails (a full disk, a folder gone) is
reported once, as a non-fatal `error` event, and the conversation goes on unsaved.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from vibe.messages import Message
from vibe.protocol import events as ev
from vibe.session.records import MessageRecord, Record
from vibe.session.store import SessionWriter

__all__ = ["SessionLog"]

log = logging.getLogger("vibe.agent")


class SessionLog:
    def __init__(self, writer: SessionWriter | None, session_id: str) -> None:
        self._writer = writer
        self._session_id = session_id
        # Where a failure is told: the running run's events (set by the agent for each run).
        self.emit: ev.Emit | None = None

    @property
    def writer(self) -> SessionWriter | None:
        """None when the conversation is not (or no longer) saved."""
        return self._writer

    @property
    def path(self) -> Path | None:
        return self._writer.info.path if self._writer is not None else None

    def append(self, message: Message) -> None:
        self.write(MessageRecord(message=message))

    def write(self, record: Record) -> None:
        if self._writer is None:
            return
        try:
            self._writer.write(record)
        except OSError as exc:
            log.error("cannot write session %s: %s", self._session_id, exc)
            self._writer = None
            if self.emit is not None:
                self.emit(ev.Error(message=f"the session can no longer be saved: {exc}", fatal=False))

    def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(OSError):
                self._writer.close()
            self._writer = None

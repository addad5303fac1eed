"""A restore of files, written down where the checkpoint it restored was: the session file (a
typed `checkpoint_restored` record) and the audit log. Shared by the conversation service and
the command line (`vibe undo`, `vibe redo`, `vibe checkpoints restore`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from vibe.protocol import events as ev
from vibe.session.records import CheckpointRestoredRecord, Record

__all__ = ["record_restore", "restore_fields"]

log = logging.getLogger("vibe.checkpoints")


def restore_fields(event: ev.CheckpointRestored, action: str) -> dict[str, Any]:
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "action": action,
        "checkpoint_id": event.checkpoint_id,
        "restore_point_id": event.restore_point_id,
        "restored": list(event.restored),
        "kept": list(event.kept),
        "failed": list(event.failed),
    }


def record_restore(
    event: ev.CheckpointRestored,
    to_session: Callable[[Record], None] | None,
    to_audit: Callable[[dict[str, Any]], None],
    session_id: str,
    action: str | None = None,
) -> None:
    """Never fails the restore, which has happened: a log that cannot be written is logged."""
    fields = restore_fields(event, action or event.action or "restore")
    if to_session is not None:
        try:
            to_session(CheckpointRestoredRecord.model_validate(fields))
        except (OSError, ValueError) as exc:
            log.warning("cannot record a restore in the session: %s", exc)
    try:
        to_audit({"event": "checkpoint_restored", "session_id": session_id, **fields})
    except OSError as exc:
        log.warning("cannot record a restore in the audit log: %s", exc)

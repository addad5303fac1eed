"""A restore made from the command line (`vibe undo`, `vibe redo`, `vibe checkpoints restore`),
written down as a restore in a conversation is: a `checkpoint_restored` record in the session the
checkpoint belongs to, and a line in the audit log.

The session file is appended to only when no running vibe holds it (its lock): a conversation
still open in a terminal or an editor is not written under it; the audit log always says.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from vibe.checkpoints.restore import RestoreResult
from vibe.config.paths import sessions_dir, vibe_home
from vibe.config.secrets import Redactor, secret_values
from vibe.config.settings import Settings
from vibe.protocol import events as ev
from vibe.service.restore_records import record_restore
from vibe.session.audit import AuditLog
from vibe.session.records import Record
from vibe.session.store import SessionBusyError, SessionNotFoundError, SessionStore

__all__ = ["log_restore"]

log = logging.getLogger("vibe.checkpoints")


def log_restore(
    settings: Settings,
    env: Mapping[str, str],
    action: str,
    checkpoint_id: str,
    session_id: str,
    result: RestoreResult,
) -> None:
    home = vibe_home(env)
    keys = tuple(p.api_key_env for p in settings.providers.values() if p.api_key_env)
    hide = Redactor(list(secret_values(env, keys)))
    event = ev.CheckpointRestored(
        checkpoint_id=checkpoint_id,
        restore_point_id=result.restore_point.id,
        restored=list(result.restored),
        kept=list(result.kept),
        failed=list(result.failed),
    )
    audit = AuditLog(home / "audit.jsonl", hide)
    store = SessionStore(sessions_dir(home), redact=hide)
    writer = None
    if session_id:
        try:
            writer = store.reopen(store.find(session_id))
        except (SessionBusyError, SessionNotFoundError, OSError) as exc:
            log.info("restore not recorded in session %s: %s", session_id, exc)
    try:
        to_session: Callable[[Record], None] | None = writer.write if writer is not None else None
        record_restore(event, to_session, audit.write, session_id, action)
    finally:
        if writer is not None:
            writer.close()

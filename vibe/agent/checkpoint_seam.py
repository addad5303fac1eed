"""A checkpoint per prompt: the workspace is kept just before the first call that may change it.

Calls that only read take none, so a prompt (or a headless run) that changes nothing costs
nothing. After each call that may have changed files, the workspace as it then is is recorded as
the prompt's end, in the background; the next change waits for it. An undo compares that end
with the workspace to tell the user's own later edits apart and keep them.

When the snapshot fails (no git, a full disk), the call still runs: refusing every change
because undo is unavailable would make vibe useless exactly when git is missing. It is never
silent: an `error` event (not fatal) says this prompt's changes cannot be undone, and the
session and audit log say the same.

Extra workspace roots (`--add-dir`) have a shadow each, snapshotted together with the main
folder's: their checkpoints name the main one (`main`), so an undo or rewind of a prompt finds
what to restore in every root.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from vibe.agent.call_seams import CallAbout, CallOutcome, CallSeam
from vibe.protocol import events as ev

if TYPE_CHECKING:  # loaded at the first change, so a run that changes nothing pays nothing
    from vibe.checkpoints.store import Checkpoint, CheckpointStore
    from vibe.checkpoints.warm import Warmer

__all__ = ["CheckpointSeam"]

log = logging.getLogger("vibe.checkpoints")

# (kind, fields) for the session file and the audit log.
RecordSink = Callable[[str, dict[str, Any]], None]


class CheckpointSeam(CallSeam):
    def __init__(
        self,
        open_store: Callable[[], CheckpointStore],
        session_id: str,
        records: tuple[RecordSink, ...] = (),
        open_extra_stores: Callable[[], list[CheckpointStore]] = list,
    ) -> None:
        self._open_store = open_store
        self._opened: CheckpointStore | None = None
        self._open_extra_stores = open_extra_stores
        self._extra: list[CheckpointStore] | None = None
        self._extra_current: list[tuple[CheckpointStore, Checkpoint]] = []
        self._warmers: list[Warmer] = []
        self._session_id = session_id
        self._records = records
        self._run: int | None = None  # the run (prompt) the last checkpoint was taken for
        self._steps = 0
        self._current: Checkpoint | None = None
        self._end: asyncio.Future[None] | None = None
        self._pruned = False

    def warm_up(self) -> None:
        """Prepare every root's shadow index in the background (an interactive session, as it
        starts), so the first checkpoint only hashes what changed. Never for a one-shot run: one
        that changes nothing must not spawn git at all."""
        from vibe.checkpoints.warm import Warmer

        if self._extra is None:
            self._extra = self._open_extra_stores()
        for store in (self._store, *self._extra):
            warmer = Warmer(store)
            warmer.start()
            self._warmers.append(warmer)

    async def before_call(self, call: CallAbout) -> str | None:
        if not call.invocation.mutates:
            return None
        await self._settle()
        if call.run == self._run:
            return None
        for warmer in self._warmers:  # the checkpoint is wanted now: it waits for one batch at most
            warmer.stop()
        self._run = call.run
        self._steps += 1
        from vibe.checkpoints.shadow import CheckpointError

        try:
            checkpoint = await asyncio.to_thread(self._take, call.turn_id)
        except (CheckpointError, OSError) as exc:
            self._current = None
            message = f"No checkpoint was taken before this prompt's changes ({exc}); they cannot be undone."
            log.warning("%s", message)
            self._tell(call, ev.Error(message=message, fatal=False))
            self._record("checkpoint_failed", {"turn_id": call.turn_id, "error": str(exc)})
            return None
        self._current = checkpoint
        self._tell(
            call,
            ev.CheckpointCreated(
                checkpoint_id=checkpoint.id,
                turn_id=call.turn_id,
                prompt=self._steps,
                files_changed=checkpoint.files_changed,
                skipped=list(checkpoint.skipped),
            ),
        )
        self._record(
            "checkpoint_created",
            {
                "checkpoint_id": checkpoint.id,
                "turn_id": call.turn_id,
                "files_changed": checkpoint.files_changed,
            },
        )
        return None

    def after_call(self, outcome: CallOutcome) -> None:
        if not outcome.mutates or self._current is None or self._end is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        ends = [(self._store, self._current), *self._extra_current]
        pending = [(store, checkpoint, store.end_pending()) for store, checkpoint in ends]
        self._end = loop.run_in_executor(None, _record_ends, pending)

    @property
    def _store(self) -> CheckpointStore:
        if self._opened is None:
            self._opened = self._open_store()
        return self._opened

    async def _settle(self) -> None:
        """Wait for the end snapshot of the previous change: it must not see the next one."""
        end, self._end = self._end, None
        if end is None:
            return
        from vibe.checkpoints.shadow import CheckpointError

        try:
            await asyncio.shield(end)
        except (CheckpointError, OSError) as exc:
            log.warning("could not record where a prompt's changes ended: %s", exc)

    def _take(self, turn_id: str) -> Checkpoint:
        from vibe.checkpoints.shadow import CheckpointError
        from vibe.checkpoints.undo import forget_redo

        store = self._store
        if self._extra is None:
            self._extra = self._open_extra_stores()
        roots = [str(extra.shadow.workspace) for extra in self._extra]
        checkpoint = store.create(
            "prompt", session_id=self._session_id, prompt=self._steps, turn=turn_id, roots=roots
        )
        forget_redo(self._store)
        self._extra_current = []
        for extra in self._extra:
            taken = extra.create(
                "prompt", session_id=self._session_id, prompt=self._steps, turn=turn_id, main=checkpoint.id
            )
            forget_redo(extra)
            self._extra_current.append((extra, taken))
        if not self._pruned:  # once per conversation: pruning may repack the store
            self._pruned = True
            for each in (self._store, *(self._extra or [])):
                try:
                    each.prune()
                except (CheckpointError, OSError) as exc:
                    log.warning("could not prune old checkpoints: %s", exc)
        return checkpoint

    def _tell(self, call: CallAbout, event: ev.AgentEvent) -> None:
        if call.emit is not None:
            call.emit(event)

    def _record(self, kind: str, fields: dict[str, Any]) -> None:
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        record = {"time": now, "session_id": self._session_id, **fields}
        for sink in self._records:
            try:
                sink(kind, record)
            except (OSError, ValueError) as exc:  # ValueError: the session file was closed
                log.warning("cannot record %s: %s", kind, exc)


def _record_ends(pending: list[tuple[CheckpointStore, Checkpoint, threading.Event]]) -> None:
    """Each root's end snapshot, in turn; all are marked done whatever fails."""
    from vibe.checkpoints.shadow import CheckpointError

    failure: CheckpointError | OSError | None = None
    for store, checkpoint, done in pending:
        try:
            store.record_end(checkpoint, done)
        except (CheckpointError, OSError) as exc:  # re-raised once every root was tried
            failure = failure or exc
    if failure is not None:
        raise failure

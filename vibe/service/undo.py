"""/undo and /redo for every frontend: what would change, then (confirmed) the restore.

An unconfirmed step changes nothing and answers `restore_planned`, so each frontend can show the
files and ask its own way (the TUI a modal, an editor a second command); a confirmed one restores
and answers `checkpoint_restored`. Undo is scoped to this conversation's own prompts. The git
work runs in a thread: the frontend stays responsive.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.service.host import ServiceError

if TYPE_CHECKING:
    from vibe.checkpoints.store import CheckpointStore

__all__ = ["step_back_or_forth"]


async def step_back_or_forth(
    store: CheckpointStore | None, operation: op.Undo | op.Redo, session_id: str
) -> ev.AgentEvent:
    """Raises ServiceError when there is nothing to undo or redo, or checkpoints are off."""
    if store is None:
        raise ServiceError("checkpoints are off here ([checkpoints] enabled = false): nothing to undo")
    return await asyncio.to_thread(_step, store, operation, session_id)


def _step(store: CheckpointStore, operation: op.Undo | op.Redo, session_id: str) -> ev.AgentEvent:
    from vibe.checkpoints.shadow import CheckpointError
    from vibe.checkpoints.undo import plan_redo, plan_undo, redo, undo

    undoing = isinstance(operation, op.Undo)
    try:
        step = (
            plan_undo(store, session_id, force=operation.force)
            if undoing
            else plan_redo(store, force=operation.force)
        )
        if not operation.confirmed:
            return ev.RestorePlanned(
                action="undo" if undoing else "redo",
                checkpoint_id=step.target.id,
                changes=[ev.RestoreChange(action=verb, path=path) for verb, path in step.plan.summary()],
                kept=list(step.plan.kept),
            )
        result = (undo if undoing else redo)(store, step, force=operation.force)
    except (CheckpointError, OSError) as exc:
        raise ServiceError(str(exc)) from None
    return ev.CheckpointRestored(
        checkpoint_id=step.target.id,
        action="undo" if undoing else "redo",
        restore_point_id=result.restore_point.id,
        restored=list(result.restored),
        kept=list(result.kept),
        failed=list(result.failed),
    )

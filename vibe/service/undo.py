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
    from vibe.service.root_steps import ExtraRoot

__all__ = ["step_back_or_forth"]


async def step_back_or_forth(
    store: CheckpointStore | None, operation: op.Undo | op.Redo, session_id: str, extras: list[ExtraRoot]
) -> ev.AgentEvent:
    """Raises ServiceError when there is nothing to undo or redo, or checkpoints are off.
    `extras`: the extra workspace roots, undone and redone with the main folder."""
    if store is None:
        raise ServiceError("checkpoints are off here ([checkpoints] enabled = false): nothing to undo")
    return await asyncio.to_thread(_step, store, operation, session_id, extras)


def _step(
    store: CheckpointStore, operation: op.Undo | op.Redo, session_id: str, extras: list[ExtraRoot]
) -> ev.AgentEvent:
    from vibe.checkpoints.shadow import CheckpointError
    from vibe.checkpoints.undo import plan_redo, plan_undo, redo, undo
    from vibe.service.root_steps import RootStep, combined_changes, combined_result, extra_steps

    undoing = isinstance(operation, op.Undo)
    force = operation.force
    try:
        main = plan_undo(store, session_id, force=force) if undoing else plan_redo(store, force=force)
        kind = "undo" if undoing else "redo"
        steps = [RootStep(None, store, main), *extra_steps(extras, kind, main, [], force)]
        if not operation.confirmed:
            changes, kept = combined_changes(steps)
            return ev.RestorePlanned(action=kind, checkpoint_id=main.target.id, changes=changes, kept=kept)
        apply = undo if undoing else redo
        result, restored, kept, failed = combined_result(steps, lambda s, step: apply(s, step, force=force))
    except (CheckpointError, OSError) as exc:
        raise ServiceError(str(exc)) from None
    return ev.CheckpointRestored(
        checkpoint_id=main.target.id,
        action="undo" if undoing else "redo",
        restore_point_id=result.restore_point.id,
        restored=restored,
        kept=kept,
        failed=failed,
    )

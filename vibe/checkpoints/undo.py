"""Undo and redo over a workspace's prompt checkpoints, for every frontend and the command line.

`undo` restores the workspace to before the latest prompt of the latest session that changed
it; again, one prompt further back. `rewind` goes back several prompts at once, to before a
chosen one. `redo` puts back what the last undo took away (the restore
point that undo kept). The steps taken are kept in the shadow (`undo.json`), so `vibe undo` on
the command line continues where `/undo` left off; a new prompt checkpoint forgets them (what
would be redone no longer follows from the workspace).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from vibe.checkpoints.restore import RestorePlan, RestoreResult, apply_restore, plan_restore
from vibe.checkpoints.shadow import CheckpointError
from vibe.checkpoints.store import Checkpoint, CheckpointStore

__all__ = ["UndoStep", "forget_redo", "plan_redo", "plan_rewind", "plan_undo", "redo", "rewind", "undo"]


@dataclass(frozen=True, slots=True)
class UndoStep:
    """A restore about to happen: its target, and which tree tells the user's own changes."""

    target: Checkpoint
    baseline_tree: str | None
    plan: RestorePlan
    # For an undo, the prompt checkpoint undone; for a redo, the entry popped.
    undone: Checkpoint | None = None
    # Files the user changed between the prompts a rewind goes back over: kept like the rest.
    user_paths: frozenset[str] = frozenset()


def _state_file(store: CheckpointStore) -> Path:
    return store.shadow.git_dir / "undo.json"


def _read_state(store: CheckpointStore) -> list[dict[str, Any]]:
    try:
        data: object = json.loads(_state_file(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    steps = cast(dict[str, object], data).get("undone") if isinstance(data, dict) else None
    if not isinstance(steps, list):
        return []
    return [cast(dict[str, Any], step) for step in cast(list[object], steps) if isinstance(step, dict)]


def _write_state(store: CheckpointStore, steps: list[dict[str, Any]]) -> None:
    _state_file(store).write_text(json.dumps({"undone": steps}), encoding="utf-8")


def forget_redo(store: CheckpointStore) -> None:
    """A new prompt changed the workspace: the undone steps can no longer be redone."""
    if _state_file(store).exists():
        _write_state(store, [])


def _undo_target(store: CheckpointStore, session_id: str | None) -> Checkpoint:
    everything = store.all()
    prompts = [c for c in everything if c.kind == "prompt"]
    if not prompts:
        raise CheckpointError("nothing to undo: no prompt changed files in this folder yet")
    session = session_id or prompts[-1].session_id
    prompts = [c for c in prompts if c.session_id == session]
    undone = {str(step.get("checkpoint")) for step in _read_state(store)}
    earliest_undone = min((c.created for c in prompts if c.id in undone), default=None)
    candidates = [
        c for c in prompts if c.id not in undone and (earliest_undone is None or c.created < earliest_undone)
    ]
    if not candidates:
        raise CheckpointError("nothing more to undo: every prompt of this session has been undone")
    return candidates[-1]


def plan_undo(store: CheckpointStore, session_id: str | None = None, *, force: bool = False) -> UndoStep:
    store.settled()
    target = _undo_target(store, session_id)
    baseline = store.end_tree(target)
    return UndoStep(target, baseline, plan_restore(store, target, baseline, force), undone=target)


def undo(store: CheckpointStore, step: UndoStep, *, force: bool = False) -> RestoreResult:
    result = apply_restore(
        store, step.target, step.baseline_tree, force=force, label=f"before undoing {step.target.id}"
    )
    steps = _read_state(store)
    steps.append({"checkpoint": step.target.id, "restore_point": result.restore_point.id})
    _write_state(store, steps)
    return result


def plan_redo(store: CheckpointStore, *, force: bool = False) -> UndoStep:
    store.settled()
    steps = _read_state(store)
    if not steps:
        raise CheckpointError("nothing to redo: no undo since the last prompt")
    last = steps[-1]
    target = store.find(str(last.get("restore_point")))
    undone = store.find(str(last.get("checkpoint")))
    # Right after the undo the workspace was the undone checkpoint: what differs is the user's.
    return UndoStep(target, undone.tree, plan_restore(store, target, undone.tree, force), undone=undone)


def redo(store: CheckpointStore, step: UndoStep, *, force: bool = False) -> RestoreResult:
    label = f"before redoing {step.target.id}"
    result = apply_restore(store, step.target, step.baseline_tree, force=force, label=label)
    steps = _read_state(store)
    if steps:
        steps.pop()
    _write_state(store, steps)
    return result


def plan_rewind(store: CheckpointStore, checkpoint_ids: list[str], *, force: bool = False) -> UndoStep:
    """Back to before the first of `checkpoint_ids` (a conversation's prompt checkpoints from
    the chosen prompt on, oldest first). The user's own changes are those made after the last
    of them ended, and those made between one prompt's end and the next prompt's checkpoint."""
    store.settled()
    # A prompt undone already is not gone back over again: the workspace is before it now.
    undone = {str(step.get("checkpoint")) for step in _read_state(store)}
    prompts = [store.find(wanted) for wanted in checkpoint_ids if wanted not in undone]
    if not prompts:
        raise CheckpointError("no prompt from there on changed files: there is nothing to rewind")
    user: set[str] = set()
    for earlier, later in itertools.pairwise(prompts):
        ended = store.end_tree(earlier)
        if ended is not None:
            user.update(store.changed_paths(ended, later.tree))
    target, baseline = prompts[0], store.end_tree(prompts[-1])
    plan = plan_restore(store, target, baseline, force, user)
    return UndoStep(target, baseline, plan, undone=target, user_paths=frozenset(user))


def rewind(store: CheckpointStore, step: UndoStep, *, force: bool = False) -> RestoreResult:
    """Like `undo` of every prompt from the target on: `/redo` puts back what it took away."""
    result = apply_restore(
        store,
        step.target,
        step.baseline_tree,
        force=force,
        label=f"before rewinding to {step.target.id}",
        user_paths=step.user_paths,
    )
    steps = _read_state(store)
    steps.append({"checkpoint": step.target.id, "restore_point": result.restore_point.id})
    _write_state(store, steps)
    return result

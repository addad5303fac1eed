"""Undo, redo and rewind in the extra workspace roots (`--add-dir`) too.

Each extra root has a shadow of its own whose prompt checkpoints name the main folder's
checkpoint they were taken with (`Checkpoint.extra["main"]`). A step planned in the main folder
is repeated in each root on its companion checkpoint; a root without one (added to a later run
of the conversation) is left alone. What each root would change is shown with its path, so the
user sees which folder a file is in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vibe.protocol import events as ev

if TYPE_CHECKING:
    from vibe.checkpoints.restore import RestoreResult
    from vibe.checkpoints.store import CheckpointStore
    from vibe.checkpoints.undo import UndoStep

__all__ = ["ExtraRoot", "RootStep", "combined_changes", "combined_result", "extra_steps"]

# An extra root, and its checkpoints.
ExtraRoot = tuple[Path, "CheckpointStore"]


@dataclass(frozen=True, slots=True)
class RootStep:
    root: Path | None  # None: the main folder (paths shown as they are)
    store: CheckpointStore
    step: UndoStep

    def shown(self, path: str) -> str:
        return path if self.root is None else str(self.root / path)


def extra_steps(
    extras: list[ExtraRoot], kind: str, main: UndoStep, chain: list[str], force: bool
) -> list[RootStep]:
    """The step of each extra root matching `main` (`kind`: undo, redo or rewind; `chain`: for a
    rewind, the main folder's prompt checkpoints from the chosen prompt on)."""
    steps: list[RootStep] = []
    for root, store in extras:
        step = _matching(store, kind, main, chain, force)
        if step is not None:
            steps.append(RootStep(root, store, step))
    return steps


def _matching(
    store: CheckpointStore, kind: str, main: UndoStep, chain: list[str], force: bool
) -> UndoStep | None:
    from vibe.checkpoints.restore import plan_restore
    from vibe.checkpoints.shadow import CheckpointError
    from vibe.checkpoints.undo import UndoStep, plan_redo, plan_rewind

    if not store.shadow.exists:
        return None
    by_main = {c.extra["main"]: c for c in store.all() if "main" in c.extra}
    try:
        if kind == "undo":
            target = by_main.get(main.target.id)
            if target is None:
                return None
            baseline = store.end_tree(target)
            return UndoStep(target, baseline, plan_restore(store, target, baseline, force), undone=target)
        if kind == "redo":
            undone = by_main.get(main.undone.id) if main.undone is not None else None
            step = plan_redo(store, force=force)
            # Only the redo of the undo made together with the main folder's.
            return (
                step
                if undone is not None and step.undone is not None and step.undone.id == undone.id
                else None
            )
        ids = [by_main[wanted].id for wanted in chain if wanted in by_main]
        return plan_rewind(store, ids, force=force) if ids else None
    except CheckpointError:
        return None  # nothing of this root to undo or redo: the main folder's step goes ahead


def combined_changes(steps: list[RootStep]) -> tuple[list[ev.RestoreChange], list[str]]:
    changes = [
        ev.RestoreChange(action=verb, path=each.shown(path))
        for each in steps
        for verb, path in each.step.plan.summary()
    ]
    kept = [each.shown(path) for each in steps for path in each.step.plan.kept]
    return changes, kept


def combined_result(
    steps: list[RootStep], apply: Callable[[CheckpointStore, UndoStep], RestoreResult]
) -> tuple[RestoreResult, list[str], list[str], list[str]]:
    """Applies each root's step; (the main folder's result, restored, kept, failed), paths shown."""
    results = [(each, apply(each.store, each.step)) for each in steps]
    restored = [each.shown(path) for each, result in results for path in result.restored]
    kept = [each.shown(path) for each, result in results for path in result.kept]
    failed = [each.shown(path) for each, result in results for path in result.failed]
    return results[0][1], restored, kept, failed

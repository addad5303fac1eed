"""The checkpoint seam of a conversation, from the `[checkpoints]` settings (none when disabled)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibe.agent.call_seams import CallSeam
from vibe.config.settings import CheckpointSettings
from vibe.session.audit import AuditLog
from vibe.session.records import CheckpointRecord
from vibe.session.store import SessionWriter

if TYPE_CHECKING:  # imported when a conversation changes files, not at start-up
    from vibe.checkpoints.store import CheckpointStore


def checkpoint_store(settings: CheckpointSettings, home: Path, workspace: Path) -> CheckpointStore:
    """The store of `workspace`'s checkpoints with the limits the settings give."""
    from vibe.checkpoints.shadow import ShadowRepo
    from vibe.checkpoints.store import CheckpointLimits, CheckpointStore

    limits = CheckpointLimits(settings.max_file_size, settings.keep_days, settings.max_total_size)
    return CheckpointStore(ShadowRepo.for_workspace(home, workspace), limits)


def extra_roots(roots: Sequence[Path]) -> list[Path]:
    """The `--add-dir` roots that need a shadow of their own: not the main folder (roots[0]) and
    not one inside another root, whose shadow covers it already."""
    real = [Path(os.path.realpath(root)) for root in roots]
    return [
        root
        for index, root in enumerate(real)
        if index > 0
        and not any(other != root and root.is_relative_to(other) for other in real[:1] + real[1:])
    ]


def checkpoint_seams(
    settings: CheckpointSettings,
    home: Path,
    roots: Sequence[Path],
    session: SessionWriter,
    audit: AuditLog,
    *,
    warm: bool = False,
) -> list[CallSeam]:
    """`roots`: the workspace's, the main folder first. `warm`: prepare the stores in the
    background now (an interactive session; a one-shot run pays nothing until it changes a file)."""
    if not settings.enabled:
        return []
    workspace, extra = roots[0], extra_roots(roots)
    from vibe.agent.checkpoint_seam import CheckpointSeam

    def to_audit(kind: str, fields: dict[str, Any]) -> None:
        audit.write({"event": kind, **fields})

    def to_session(kind: str, fields: dict[str, Any]) -> None:
        session.write(CheckpointRecord.model_validate({"kind": kind, **fields}))

    records = (to_session, to_audit)
    seam = CheckpointSeam(
        lambda: checkpoint_store(settings, home, workspace),
        session.id,
        records,
        lambda: [checkpoint_store(settings, home, root) for root in extra],
    )
    if warm:
        seam.warm_up()
    return [seam]

"""Warming a shadow index in the background: every file is in the index before the first
checkpoint, no checkpoint is kept by it, a wanted checkpoint stops it, and the checkpoint taken
after it is the same as one taken without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibe.checkpoints.shadow import ShadowRepo
from vibe.checkpoints.store import CheckpointStore
from vibe.checkpoints.warm import Warmer


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    for index in range(1200):  # more than two batches
        folder = root / f"pkg{index % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{index}.txt").write_text(f"content {index}\n", encoding="utf-8")
    (root / ".gitignore").write_text("*.log\n", encoding="utf-8")
    (root / "skip.log").write_text("ignored\n", encoding="utf-8")
    return root


def indexed(store: CheckpointStore) -> list[str]:
    return store.shadow.run("ls-files", "-z").decode().split("\0")[:-1]


def test_warming_fills_the_index_and_keeps_no_checkpoint(tmp_path: Path, workspace: Path) -> None:
    store = CheckpointStore(ShadowRepo.for_workspace(tmp_path / "home", workspace))
    warmer = Warmer(store)
    warmer.start().join(timeout=60)
    assert warmer.finished and warmer.done.is_set()
    files = indexed(store)
    assert len(files) == 1201 and "skip.log" not in files
    assert store.all() == [], "the index only: no checkpoint is kept"

    # A change after the warming is in the first checkpoint, which matches an unwarmed one.
    (workspace / "pkg1" / "f1.txt").write_text("changed\n", encoding="utf-8")
    (workspace / "new.txt").write_text("new\n", encoding="utf-8")
    warmed = store.create("prompt", session_id="s")
    cold = CheckpointStore(ShadowRepo.for_workspace(tmp_path / "other-home", workspace))
    assert warmed.tree == cold.create("prompt", session_id="s").tree


def test_a_wanted_checkpoint_stops_the_warming(tmp_path: Path, workspace: Path) -> None:
    store = CheckpointStore(ShadowRepo.for_workspace(tmp_path / "home", workspace))
    warmer = Warmer(store)
    warmer.stop()
    warmer.run()
    assert not warmer.finished and indexed(store) == []
    checkpoint = store.create("prompt")
    listed = store.shadow.run("ls-tree", "-r", "--name-only", checkpoint.tree)
    assert len(listed.splitlines()) == 1201, "the checkpoint does all the work the warming did not"

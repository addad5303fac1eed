"""Checkpoints of a workspace the repository controls: real git, real files, planted traps."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from vibe.checkpoints.restore import apply_restore
from vibe.checkpoints.shadow import ShadowRepo
from vibe.checkpoints.store import CheckpointLimits, CheckpointStore
from vibe.checkpoints.undo import plan_undo, undo


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "a.txt").write_text("original\n", encoding="utf-8")
    return root


def store_for(tmp_path: Path, workspace: Path, **limits: int) -> CheckpointStore:
    return CheckpointStore(ShadowRepo.for_workspace(tmp_path / "home", workspace), CheckpointLimits(**limits))


def undo_latest(store: CheckpointStore) -> None:
    undo(store, plan_undo(store))


def test_a_symlink_the_agent_left_is_replaced_never_written_through(tmp_path: Path, workspace: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.txt").write_text("not yours\n", encoding="utf-8")
    (workspace / "sub").mkdir()
    (workspace / "sub" / "file.txt").write_text("inside\n", encoding="utf-8")
    store = store_for(tmp_path, workspace)
    store.create("prompt", session_id="s")
    # The agent swaps a folder and a file for symlinks pointing out of the workspace.
    for path in (workspace / "sub" / "file.txt", workspace / "sub"):
        path.unlink() if path.is_file() else path.rmdir()
    (workspace / "sub").symlink_to(outside)
    (workspace / "a.txt").unlink()
    (workspace / "a.txt").symlink_to(outside / "target.txt")

    undo_latest(store)

    assert (outside / "target.txt").read_text() == "not yours\n"
    assert sorted(p.name for p in outside.iterdir()) == ["target.txt"]
    assert not (workspace / "sub").is_symlink() and (workspace / "sub" / "file.txt").read_text() == "inside\n"
    assert not (workspace / "a.txt").is_symlink() and (workspace / "a.txt").read_text() == "original\n"


def test_planted_filters_and_fsmonitor_never_run(tmp_path: Path, workspace: Path) -> None:
    marker = tmp_path / "ran"
    program = f"sh -c 'touch {marker}; cat'"
    for key, value in (
        ("filter.evil.clean", program),
        ("filter.evil.smudge", program),
        ("core.fsmonitor", f"touch {marker}; false"),
    ):
        subprocess.run(["git", "config", key, value], cwd=workspace, check=True)
    (workspace / ".gitattributes").write_text("* filter=evil text eol=crlf\n", encoding="utf-8")
    (workspace / "lf.txt").write_bytes(b"one\ntwo\n")
    # The user's own config naming the same driver is not run either: files are kept as bytes.
    user_config = tmp_path / "gitconfig"
    user_config.write_text(f'[filter "evil"]\n\tclean = {program}\n', encoding="utf-8")
    os.environ["GIT_CONFIG_GLOBAL"] = str(user_config)
    try:
        store = store_for(tmp_path, workspace)
        store.create("prompt", session_id="s")
        (workspace / "lf.txt").write_bytes(b"changed\n")
        undo_latest(store)
    finally:
        del os.environ["GIT_CONFIG_GLOBAL"]
    assert not marker.exists()
    assert (workspace / "lf.txt").read_bytes() == b"one\ntwo\n"


def test_a_planted_nested_repository_is_never_written_into(tmp_path: Path, workspace: Path) -> None:
    nested = workspace / "vendor"
    subprocess.run(["git", "init", "-q", str(nested)], check=True)
    (nested / "lib.txt").write_text("v1\n", encoding="utf-8")
    hooks_before = sorted(p.name for p in (nested / ".git").rglob("*"))
    store = store_for(tmp_path, workspace)
    store.create("prompt", session_id="s")
    (nested / "lib.txt").write_text("v2\n", encoding="utf-8")
    (workspace / "a.txt").write_text("changed\n", encoding="utf-8")
    undo_latest(store)
    assert (workspace / "a.txt").read_text() == "original\n"
    assert (nested / "lib.txt").read_text() == "v2\n", "a nested repository is its own, not the checkpoint's"
    assert sorted(p.name for p in (nested / ".git").rglob("*")) == hooks_before


def test_files_over_the_size_cap_are_skipped_listed_and_left_alone(tmp_path: Path, workspace: Path) -> None:
    (workspace / "big.bin").write_bytes(b"x" * 5000)
    store = store_for(tmp_path, workspace, max_file_size=1000)
    checkpoint = store.create("prompt", session_id="s")
    assert checkpoint.skipped == ("big.bin",)
    (workspace / "big.bin").write_bytes(b"y" * 6000)
    (workspace / "a.txt").write_text("changed\n", encoding="utf-8")
    undo_latest(store)
    assert (workspace / "big.bin").read_bytes() == b"y" * 6000
    assert (workspace / "a.txt").read_text() == "original\n"


def test_names_with_newlines_and_odd_characters_round_trip(tmp_path: Path, workspace: Path) -> None:
    names = ["line\nbreak.txt", "star*[x]?.txt", " lead and trail ", "#hash", "!bang", "ünï\tcode"]
    for name in names:
        (workspace / name).write_text(name, encoding="utf-8")
    store = store_for(tmp_path, workspace, max_file_size=10)  # every odd name is "big" too
    store.create("prompt", session_id="s")
    store = store_for(tmp_path, workspace)
    checkpoint = store.create("prompt", session_id="s")
    for name in names:
        (workspace / name).unlink()
    apply_restore(store, checkpoint, None, force=False, label="test")
    for name in names:
        assert (workspace / name).read_text(encoding="utf-8") == name


def test_the_users_index_branches_stash_and_reflog_are_untouched(tmp_path: Path, workspace: Path) -> None:
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "a.txt"], cwd=workspace, check=True)
    subprocess.run([*git, "commit", "-qm", "one"], cwd=workspace, check=True)
    (workspace / "a.txt").write_text("stashed\n", encoding="utf-8")
    subprocess.run([*git, "stash", "-q"], cwd=workspace, check=True)
    (workspace / "staged.txt").write_text("staged\n", encoding="utf-8")
    subprocess.run([*git, "add", "staged.txt"], cwd=workspace, check=True)
    dot_git = {p: p.read_bytes() for p in (workspace / ".git").rglob("*") if p.is_file()}

    store = store_for(tmp_path, workspace)
    store.create("prompt", session_id="s")
    (workspace / "staged.txt").write_text("changed\n", encoding="utf-8")
    undo_latest(store)

    assert {p: p.read_bytes() for p in (workspace / ".git").rglob("*") if p.is_file()} == dot_git
    assert (workspace / "staged.txt").read_text() == "staged\n"


def test_a_restore_can_itself_be_restored(tmp_path: Path, workspace: Path) -> None:
    store = store_for(tmp_path, workspace)
    first = store.create("prompt", session_id="s")
    (workspace / "a.txt").write_text("agent\n", encoding="utf-8")
    result = apply_restore(store, first, None, force=False, label="test")
    assert (workspace / "a.txt").read_text() == "original\n"
    apply_restore(store, result.restore_point, None, force=False, label="test")
    assert (workspace / "a.txt").read_text() == "agent\n"


def test_prune_drops_checkpoints_past_their_age(tmp_path: Path, workspace: Path) -> None:
    store = store_for(tmp_path, workspace)
    old = store.create("prompt", session_id="s")
    (workspace / "a.txt").write_text("later\n", encoding="utf-8")
    new = store.create("prompt", session_id="s")
    removed = store.prune(now=(old.created + new.created) / 2 + 7 * 86400)
    assert [c.id for c in removed] == [old.id]
    assert [c.kind for c in store.all()] == ["prompt"]

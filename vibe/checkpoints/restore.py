"""Putting a checkpoint's files back, byte for byte, never outside the workspace.

git's own checkout is not used: it would follow a folder the agent turned into a symlink, and
write into a nested repository. Each file is written here instead, reached from the workspace
root one folder at a time without following a symlink (`vibe.beneath`), replaced atomically with
the mode the checkpoint recorded. A path under any `.git`, a nested repository (gitlink) and a
path whose folder is now a symlink are never written; they are reported as not restored.

Before anything changes, the current state is kept as a checkpoint of its own (`restore`), so a
restore can itself be undone. Files that differ from `baseline` (what the workspace held when
the undone prompt ended: files the user changed since) are kept and named, unless forced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from vibe.beneath import SymlinkInTheWayError, open_folder_beneath
from vibe.checkpoints.shadow import CheckpointError
from vibe.checkpoints.store import Checkpoint, CheckpointStore

__all__ = ["RestorePlan", "RestoreResult", "apply_restore", "plan_restore"]

Verb = Literal["create", "restore", "delete"]
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_GITLINK = "160000"
_SYMLINK = "120000"
_EXECUTABLE = "100755"


@dataclass(frozen=True, slots=True)
class _Change:
    path: str
    new_mode: str  # "000000" when the checkpoint does not have the file
    new_blob: str
    old_mode: str = "000000"  # "000000" when the workspace does not have it now

    @property
    def verb(self) -> Verb:
        if self.new_mode == "000000":
            return "delete"
        return "create" if self.old_mode == "000000" else "restore"


@dataclass(frozen=True, slots=True)
class RestorePlan:
    target: Checkpoint
    current_tree: str
    changes: tuple[_Change, ...]
    # Changed since `baseline`: kept unless forced.
    kept: tuple[str, ...]

    @property
    def paths(self) -> list[str]:
        return [change.path for change in self.changes]

    def summary(self) -> list[tuple[Verb, str]]:
        """(verb, path) for each file the restore would change: create, restore or delete."""
        return [(change.verb, change.path) for change in self.changes]


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restore_point: Checkpoint  # the state just before, to redo or undo this restore
    restored: tuple[str, ...]
    kept: tuple[str, ...]
    failed: tuple[str, ...]


def plan_restore(
    store: CheckpointStore,
    target: Checkpoint,
    baseline_tree: str | None,
    force: bool,
    user_paths: Collection[str] = (),
) -> RestorePlan:
    """What restoring `target` would change now; nothing is written. Takes the shadow's lock.
    `user_paths`: files known to be the user's own changes besides those since `baseline_tree`
    (a rewind over several prompts finds them between the prompts); kept too unless forced."""
    with store.shadow.locked():
        current = store.snapshot().tree
        return _plan(store, target, current, baseline_tree, force, user_paths)


def _plan(
    store: CheckpointStore,
    target: Checkpoint,
    current: str,
    baseline_tree: str | None,
    force: bool,
    user_paths: Collection[str] = (),
) -> RestorePlan:
    raw = store.shadow.run("diff-tree", "-r", "-z", "--no-renames", "--raw", current, target.tree)
    fields = raw.split(b"\0")
    changes: list[_Change] = []
    for index in range(0, len(fields) - 1, 2):
        meta, path = fields[index].decode(), os.fsdecode(fields[index + 1])
        old_mode, new_mode, _, new_blob, _ = meta.lstrip(":").split(" ")
        changes.append(_Change(path, new_mode, new_blob, old_mode))
    kept: set[str] = set()
    if not force:
        since = set(user_paths)
        if baseline_tree is not None:
            since.update(store.changed_paths(baseline_tree, current))
        kept = {change.path for change in changes if change.path in since}
    changes = [change for change in changes if change.path not in kept]
    return RestorePlan(target, current, tuple(changes), tuple(sorted(kept)))


def apply_restore(
    store: CheckpointStore,
    target: Checkpoint,
    baseline_tree: str | None,
    *,
    force: bool,
    label: str,
    user_paths: Collection[str] = (),
) -> RestoreResult:
    """Checkpoint the workspace as it is, then write `target`'s files back."""
    with store.shadow.locked():
        point = store.create_locked("restore", label=label)
        plan = _plan(store, target, point.tree, baseline_tree, force, user_paths)
        contents = _blobs(store, [c.new_blob for c in plan.changes if c.new_mode not in ("000000", _GITLINK)])
        failed: list[str] = []
        restored: list[str] = []
        root = os.open(store.shadow.workspace, _DIR_FLAGS)
        kept = list(plan.kept)
        try:
            # The checkpoint's ignore rules first: a file they ignore is the user's, never deleted.
            ignores = [c for c in plan.changes if _is_ignore_file(c.path) and c.new_mode != "000000"]
            rest = [c for c in plan.changes if c not in ignores]
            _apply(root, ignores, contents, restored, failed)
            deletions = [c for c in rest if c.new_mode == "000000"]
            ignored = _ignored(store, [c.path for c in deletions])
            kept += sorted(ignored)
            # Deletions first: a file may have to go before a folder of that name is made.
            _apply(root, [c for c in deletions if c.path not in ignored], contents, restored, failed)
            _apply(root, [c for c in rest if c.new_mode != "000000"], contents, restored, failed)
        finally:
            os.close(root)
    return RestoreResult(point, tuple(restored), tuple(kept), tuple(failed))


def _apply(
    root: int, changes: list[_Change], contents: dict[str, bytes], restored: list[str], failed: list[str]
) -> None:
    for change in changes:
        if _unsafe(change.path) or change.new_mode == _GITLINK:
            failed.append(change.path)
            continue
        try:
            if change.new_mode == "000000":
                _delete(root, change.path)
            else:
                _write(root, change.path, change.new_mode, contents[change.new_blob])
            restored.append(change.path)
        except OSError:
            failed.append(change.path)


def _is_ignore_file(path: str) -> bool:
    return PurePosixPath(path).name == ".gitignore"


def _ignored(store: CheckpointStore, paths: list[str]) -> set[str]:
    """Which of `paths` the workspace's ignore rules (as just restored) ignore."""
    if not paths:
        return set()
    payload = b"".join(os.fsencode(path) + b"\0" for path in paths)
    out = store.shadow.run("check-ignore", "-z", "--stdin", "--no-index", stdin=payload, check=False)
    return {os.fsdecode(raw) for raw in out.split(b"\0") if raw}


def _unsafe(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return any(part in (".git", "..", ".") for part in parts) or path.startswith("/")


def _blobs(store: CheckpointStore, shas: list[str]) -> dict[str, bytes]:
    if not shas:
        return {}
    unique = sorted(set(shas))
    out = store.shadow.run("cat-file", "--batch", stdin="".join(s + "\n" for s in unique).encode())
    contents: dict[str, bytes] = {}
    position = 0
    for _ in unique:
        newline = out.index(b"\n", position)
        sha, kind, size = out[position:newline].decode().split(" ")
        if kind != "blob":
            raise CheckpointError(f"the checkpoint store is damaged ({sha} is a {kind})")
        start = newline + 1
        contents[sha] = out[start : start + int(size)]
        position = start + int(size) + 1
    return contents


def _open_parent(root: int, path: str, create: bool) -> tuple[int, str]:
    parts = PurePosixPath(path).parts
    return open_folder_beneath(root, parts[:-1], create=create), parts[-1]


def _delete(root: int, path: str) -> None:
    try:
        folder, name = _open_parent(root, path, create=False)
    except FileNotFoundError:
        return
    try:
        with contextlib.suppress(FileNotFoundError):
            current = os.stat(name, dir_fd=folder, follow_symlinks=False)
            if stat.S_ISDIR(current.st_mode):
                return  # a file became a folder since: what is in it is not ours to remove
            os.unlink(name, dir_fd=folder)
    finally:
        os.close(folder)
    _remove_empty_parents(root, PurePosixPath(path).parts[:-1])


def _remove_empty_parents(root: int, parts: tuple[str, ...]) -> None:
    """Folders the undone prompt made hold nothing now; git keeps no empty folders, so neither
    does a restore."""
    while parts:
        try:
            parent = open_folder_beneath(root, parts[:-1])
        except OSError:
            return
        try:
            os.rmdir(parts[-1], dir_fd=parent)
        except OSError:
            return
        finally:
            os.close(parent)
        parts = parts[:-1]


def _write(root: int, path: str, mode: str, data: bytes) -> None:
    try:
        folder, name = _open_parent(root, path, create=True)
    except SymlinkInTheWayError:
        raise
    except NotADirectoryError:
        raise OSError(errno.ENOTDIR, "a file is where a folder should be", path) from None
    try:
        temporary = f".{name[:100]}.{os.urandom(4).hex()}.vibe-restore"
        if mode == _SYMLINK:
            os.symlink(os.fsdecode(data), temporary, dir_fd=folder)
        else:
            fd = os.open(
                temporary,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                0o600,
                dir_fd=folder,
            )
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                os.fchmod(handle.fileno(), _file_mode(mode))
        try:
            _replace(folder, temporary, name)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise
    finally:
        os.close(folder)


def _replace(folder: int, temporary: str, name: str) -> None:
    try:
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except IsADirectoryError:
        # An empty folder where the file was (its contents were deleted above): take its place.
        os.rmdir(name, dir_fd=folder)
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)


def _file_mode(mode: str) -> int:
    """What git records (644 or 755) within the user's umask."""
    wanted = 0o777 if mode == _EXECUTABLE else 0o666
    return wanted & ~_umask()


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022

"""Checkpoints of one workspace: taking a snapshot, listing, pruning.

A checkpoint is a commit in the shadow repository (`shadow`) whose message is a JSON record
(session, prompt, turn, kind, skipped files) and which has no parent: deleting its ref frees
exactly its own objects when pruned. Refs are `refs/vibe/cp/<id>`, the id being the commit's
first 12 hex digits.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from vibe.checkpoints.shadow import CheckpointError, ShadowRepo

__all__ = ["Checkpoint", "CheckpointLimits", "CheckpointStore", "Snapshot"]

_REFS = "refs/vibe/cp/"
_ENDS = "refs/vibe/end/"
# End snapshots scheduled in this process and not yet written, by shadow repository.
_PENDING_ENDS: dict[Path, list[threading.Event]] = {}
_PENDING_LOCK = threading.Lock()
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024

Kind = Literal["prompt", "restore"]


@dataclass(frozen=True, slots=True)
class CheckpointLimits:
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    keep_days: float = 7
    max_total_size: int = 2 * 1024**3


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The workspace as a tree in the shadow, and the files left out for their size."""

    tree: str
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    id: str
    commit: str
    tree: str
    kind: Kind
    created: float
    session_id: str = ""
    prompt: int = 0
    turn: str = ""
    label: str = ""
    skipped: tuple[str, ...] = ()
    files_changed: int = 0
    extra: dict[str, Any] = field(default_factory=dict[str, Any])

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "created": datetime.fromtimestamp(self.created, UTC).isoformat(timespec="seconds"),
            "session_id": self.session_id,
            "prompt": self.prompt,
            "turn": self.turn,
            "label": self.label,
            "files_changed": self.files_changed,
            "skipped": list(self.skipped),
        }


class CheckpointStore:
    def __init__(self, shadow: ShadowRepo, limits: CheckpointLimits | None = None) -> None:
        self.shadow = shadow
        self.limits = limits or CheckpointLimits()

    # -- taking -------------------------------------------------------------------------------

    def snapshot(self) -> Snapshot:
        """The workspace now, written to the shadow's index and object store (no checkpoint yet).
        The caller holds the shadow's lock."""
        git = self.shadow
        git.ensure()
        # Only what changed since the last snapshot is looked at: the persistent index knows
        # the rest. The paths go to update-index as they are, so git walks the tree once.
        listed = git.run("ls-files", "-z", "--others", "--modified", "--exclude-standard")
        changed, dropped, big = sort_listed(listed, git.workspace, self.limits.max_file_size)
        git.update_index(["--force-remove"], dropped)
        git.update_index(["--add", "--remove", "--replace"], changed)
        tree = git.run("write-tree").decode().strip()
        return Snapshot(tree, tuple(sorted(set(big))))

    def create(
        self,
        kind: Kind,
        *,
        session_id: str = "",
        prompt: int = 0,
        turn: str = "",
        label: str = "",
        main: str = "",
        roots: Sequence[str] = (),
    ) -> Checkpoint:
        """Snapshot the workspace and keep it as a checkpoint. `main`: in an extra workspace
        root (`--add-dir`), the id of the main folder's checkpoint this one was taken with;
        `roots`: in the main folder, the extra roots taken with it (`vibe undo` finds them)."""
        with self.shadow.locked():
            return self.create_locked(
                kind, session_id=session_id, prompt=prompt, turn=turn, label=label, main=main, roots=roots
            )

    def create_locked(
        self,
        kind: Kind,
        *,
        session_id: str = "",
        prompt: int = 0,
        turn: str = "",
        label: str = "",
        main: str = "",
        roots: Sequence[str] = (),
    ) -> Checkpoint:
        """`create` for a caller that holds the shadow's lock already (a restore)."""
        snap = self.snapshot()
        latest = self._latest_tree()
        changed = len(self.changed_paths(latest, snap.tree)) if latest else 0
        record = {
            "kind": kind,
            "created": time.time(),
            "session_id": session_id,
            "prompt": prompt,
            "turn": turn,
            "label": label[:200],
            "skipped": list(snap.skipped),
            "files_changed": changed,
        }
        if main:
            record["main"] = main
        if roots:
            record["roots"] = list(roots)
        message = json.dumps(record, ensure_ascii=False).encode("utf-8", "surrogateescape")
        commit = self.shadow.run("commit-tree", snap.tree, "-F", "-", stdin=message).decode().strip()
        self.shadow.run("update-ref", _REFS + commit[:12], commit)
        return _parse(commit, snap.tree, record)

    def end_pending(self) -> threading.Event:
        """Say, before it is scheduled, that an end snapshot is coming: an undo in this process
        waits for it (`settled`), or it would take the agent's last change for the user's."""
        done = threading.Event()
        with _PENDING_LOCK:
            _PENDING_ENDS.setdefault(self.shadow.git_dir, []).append(done)
        return done

    def settled(self, timeout: float = 60) -> None:
        with _PENDING_LOCK:
            pending = list(_PENDING_ENDS.get(self.shadow.git_dir, []))
        for done in pending:
            done.wait(timeout)

    def record_end(self, checkpoint: Checkpoint, done: threading.Event | None = None) -> None:
        """Keep the workspace as it is now as the end of `checkpoint`'s prompt: an undo of that
        prompt then knows which files the user changed afterwards."""
        try:
            with self.shadow.locked():
                tree = self.snapshot().tree
                commit = self.shadow.run("commit-tree", tree, "-m", "end").decode().strip()
                self.shadow.run("update-ref", _ENDS + checkpoint.id, commit)
        finally:
            if done is not None:
                done.set()
                with _PENDING_LOCK:
                    waiting = _PENDING_ENDS.get(self.shadow.git_dir, [])
                    if done in waiting:
                        waiting.remove(done)

    def end_tree(self, checkpoint: Checkpoint) -> str | None:
        """The workspace when `checkpoint`'s prompt ended, or when the next checkpoint was taken."""
        out = self.shadow.run("rev-parse", "-q", "--verify", _ENDS + checkpoint.id + "^{tree}", check=False)
        if out.strip():
            return out.decode().strip()
        later = [c for c in self.all() if c.created > checkpoint.created]
        return later[0].tree if later else None

    def _latest_tree(self) -> str | None:
        everything = self.all()
        return everything[-1].tree if everything else None

    # -- reading ------------------------------------------------------------------------------

    def all(self) -> list[Checkpoint]:
        """Every checkpoint, oldest first."""
        if not self.shadow.exists:
            return []
        listed = self.shadow.run(
            "for-each-ref", "--format=%(objectname) %(tree)%00%(contents)%00%00", _REFS
        ).decode("utf-8", "surrogateescape")
        found: list[Checkpoint] = []
        for block in listed.split("\0\0"):
            block = block.strip("\n")
            if not block:
                continue
            head, _, body = block.partition("\0")
            commit, _, tree = head.partition(" ")
            try:
                record = json.loads(body)
            except ValueError:
                continue
            found.append(_parse(commit, tree, record))
        found.sort(key=lambda checkpoint: (checkpoint.created, checkpoint.id))
        return found

    def companion_of(self, main_id: str) -> Checkpoint | None:
        """The checkpoint of this (extra) root taken with the main folder's `main_id`."""
        return next((c for c in self.all() if c.extra.get("main") == main_id), None)

    def find(self, wanted: str) -> Checkpoint:
        matches = [c for c in self.all() if c.id.startswith(wanted) and len(wanted) >= 4]
        if len(matches) != 1:
            raise CheckpointError(f"no checkpoint {wanted!r} in this folder (see `vibe checkpoints list`)")
        return matches[0]

    def changed_paths(self, old_tree: str, new_tree: str) -> list[str]:
        out = self.shadow.run("diff-tree", "-r", "-z", "--no-renames", "--name-only", old_tree, new_tree)
        return [os.fsdecode(raw) for raw in out.split(b"\0") if raw]

    def patch(self, old_tree: str, new_tree: str) -> str:
        out = self.shadow.run(
            "diff-tree",
            "-r",
            "-p",
            "--stat",
            "--no-ext-diff",
            "--no-textconv",
            "--binary",
            old_tree,
            new_tree,
        )
        return out.decode(errors="replace")

    # -- pruning ------------------------------------------------------------------------------

    def prune(self, now: float | None = None) -> list[Checkpoint]:
        """Drop checkpoints older than keep_days, then the oldest while the store is over its size."""
        now = time.time() if now is None else now
        removed: list[Checkpoint] = []
        with self.shadow.locked():
            kept = self.all()
            cutoff = now - self.limits.keep_days * 86400
            while kept and kept[0].created < cutoff:
                removed.append(kept.pop(0))
            self._drop(removed)
            while len(kept) > 1 and self.shadow.disk_usage() > self.limits.max_total_size:
                oldest = kept.pop(0)
                self._drop([oldest])
                removed.append(oldest)
        return removed

    def _drop(self, checkpoints: list[Checkpoint]) -> None:
        if not checkpoints:
            return
        commands = "".join(f"delete {_REFS}{c.id}\ndelete {_ENDS}{c.id}\n" for c in checkpoints).encode()
        self.shadow.run("update-ref", "--stdin", stdin=commands)
        # The index still names the newest snapshot's blobs, so those stay.
        self.shadow.run("gc", "--prune=now", "--quiet")


def sort_listed(listed: bytes, workspace: Path, max_file_size: int) -> tuple[list[str], list[str], list[str]]:
    """`git ls-files -z` output as (paths to add or remove; paths to drop from the index: too big,
    a nested repository, or a folder where a file was; the too big ones, listed as skipped)."""
    changed: list[str] = []
    dropped: list[str] = []
    big: list[str] = []
    links = _SymlinkedFolders(workspace)
    for raw in listed.split(b"\0"):
        if not raw:
            continue
        name = os.fsdecode(raw)
        if name.endswith("/"):
            # A repository of its own inside the workspace (git lists it as a folder): not
            # ours to keep or restore, and one without a commit would fail to be added.
            dropped.append(name.rstrip("/"))
            continue
        if links.beyond_symlink(name):
            dropped.append(name)  # its folder is now a symlink: the file is gone from here
            continue
        try:
            info = os.lstat(workspace / name)
        except OSError:
            changed.append(name)  # deleted: --remove records that
            continue
        if stat.S_ISDIR(info.st_mode):
            dropped.append(name)  # its files are listed on their own
        elif info.st_size > max_file_size:
            big.append(name)
            dropped.append(name)
        else:
            changed.append(name)
    return changed, dropped, big


def _links(record: dict[str, Any]) -> dict[str, Any]:
    """How a checkpoint is tied to those of other roots (`main`, `roots`), when it is."""
    links: dict[str, Any] = {}
    if record.get("main"):
        links["main"] = str(record["main"])
    roots: object = record.get("roots")
    if isinstance(roots, list):
        links["roots"] = [str(root) for root in cast(list[object], roots)]
    return links


def _parse(commit: str, tree: str, record: dict[str, Any]) -> Checkpoint:
    kind: Kind = "restore" if record.get("kind") == "restore" else "prompt"
    return Checkpoint(
        id=commit[:12],
        commit=commit,
        tree=tree,
        kind=kind,
        created=float(record.get("created", 0)),
        session_id=str(record.get("session_id", "")),
        prompt=int(record.get("prompt", 0)),
        turn=str(record.get("turn", "")),
        label=str(record.get("label", "")),
        skipped=tuple(str(name) for name in record.get("skipped", [])),
        files_changed=int(record.get("files_changed", 0)),
        extra=_links(record),
    )


class _SymlinkedFolders:
    """Whether a path's folder (or one above it) is a symlink, asked once per folder."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._known: dict[str, bool] = {"": False}

    def beyond_symlink(self, name: str) -> bool:
        return self._is_or_under_link(name.rpartition("/")[0])

    def _is_or_under_link(self, folder: str) -> bool:
        known = self._known.get(folder)
        if known is None:
            known = self._is_or_under_link(folder.rpartition("/")[0]) or (self._root / folder).is_symlink()
            self._known[folder] = known
        return known

"""Repository metadata at any depth of the workspace: known before each command, and what a
command planted neutralised after it.

No mount, Landlock rule or seccomp filter can refuse "create a folder named .git anywhere": they
do not match names. So the guard keeps a picture of the workspace's folders and of the metadata
in them (`.git` and `.vibe` entries, folders shaped like a git directory: see repo_metadata.py),
and around every confined command:

- `begin()`: changes made since the last command (by the user, by vibe's own approved writes)
  are accepted into the picture. Bubblewrap then mounts every known piece read-only.
- `end()`: once the command and everything it started have ended, a piece that appeared while
  it ran is renamed aside (quarantine.py), so neither git nor vibe will use it, and a note says
  so. While commands overlap (a `!command` in the TUI during the agent's), changes belong to
  them, not to the user: only `begin()` with no command running accepts anything.

A piece that moved (a folder holding a submodule renamed) is recognised by device and inode and
stays accepted. Cost, measured on 200,000 files in 20,000 folders: the first command walks the
workspace once (about 0.4 s); after that the kernel says which folders changed (inotify), so a
command pays about 1 ms plus what it touched, whatever the size of the repository. Folders
inotify cannot watch (no inotify, the per-user watch limit reached) are compared by timestamps
instead: one lstat per folder, twice per command (about 90 ms for those 20,000 folders).
Folders inside `.git`, `.vibe` and git directories are not watched: they are mounted read-only,
or reported as not protected.
"""

from __future__ import annotations

import contextlib
import os
import time
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from vibe.sandbox.inotify import Inotify
from vibe.sandbox.quarantine import neutralise, owner_access
from vibe.sandbox.repo_metadata import (
    METADATA_NAMES,
    SHAPE_NAMES,
    Finding,
    Identity,
    commondir_target,
    gitdir_target,
    identity_of,
    shaped_like_git_dir,
)

__all__ = ["MetadataGuard"]

# A folder changed this recently may change again within the same timestamp tick, unseen by a
# comparison of timestamps; such a folder is read again next time whatever its timestamp says.
_RACY_NS = 1_000_000_000


@dataclass(slots=True)
class _Folder:
    children: set[str] = field(default_factory=set[str])  # sub-folders tracked
    found: set[Path] = field(default_factory=set[Path])  # findings directly in it (and itself)
    # Timestamps, for a folder inotify does not watch: (mtime, ctime, inode).
    stamp: tuple[int, int, int] | None = None
    racy: bool = False


class MetadataGuard:
    """One per workspace, shared by every sandbox of the session. Not thread-safe: the event
    loop's thread calls it (from Sandbox.wrap and when a command ends)."""

    def __init__(
        self,
        roots: Sequence[Path],
        protected: Sequence[str] = (".git", ".vibe"),
        *,
        watch: Literal["inotify", "timestamps"] = "inotify",
    ) -> None:
        """`watch="timestamps"` compares folder timestamps even where inotify works (tests, and
        file systems whose changes inotify does not see, such as network mounts)."""
        self._roots = tuple(Path(os.path.realpath(root)) for root in roots)
        firsts = {spec.replace("\\", "/").split("/")[0].casefold() for spec in protected}
        self._names = frozenset(firsts & METADATA_NAMES)
        # What each name protects below a found entry: "" for all of it, "hooks" for .git/hooks.
        self._suffixes: dict[str, tuple[str, ...]] = {
            name: tuple(
                spec.replace("\\", "/").partition("/")[2]
                for spec in protected
                if spec.replace("\\", "/").split("/")[0].casefold() == name
            )
            for name in self._names
        }
        self._armed = False
        self._active = 0
        self._folders: dict[Path, _Folder] = {}
        # Folders inotify does not watch (none, when it works): compared by timestamps.
        self._polled: set[Path] = set()
        self._known: dict[Path, Finding] = {}
        # Pieces no longer where they were, during one refresh: found elsewhere, they moved.
        self._vanished: dict[Identity, Finding] = {}
        self._watch = watch
        self._inotify: Inotify | None = None
        self._closer: Callable[[], object] | None = None

    @property
    def enabled(self) -> bool:
        return bool(self._names) and bool(self._roots)

    @property
    def git_dirs(self) -> bool:
        """Whether folders shaped like git directories are guarded too (when `.git` is)."""
        return ".git" in self._names

    # -- around a command ---------------------------------------------------------------------

    def begin(self) -> None:
        """Before a command: take in what changed since the last one (not the command's doing)."""
        if not self.enabled:
            return
        if not self._armed:
            self._arm()
        elif self._active == 0:
            # While another command runs, what changed may be its doing: left for its end().
            self._known.update((f.path, f) for f in self._refresh())
        self._active += 1

    def end(self) -> tuple[str, ...]:
        """After a command (and everything it started) ended: neutralise what it planted;
        returns one note per piece, for the model and the user."""
        if not self.enabled or not self._armed:
            return ()
        self._active = max(self._active - 1, 0)
        notes: list[str] = []
        for finding in self._refresh():
            outcome = neutralise(self._root_of(finding.path), finding)
            if outcome.error is not None:
                self._known[finding.path] = finding  # still there: at least mounted read-only from now on
            notes.append(outcome.note(self._shown))
        return tuple(notes)

    def protected_paths(self) -> list[Path]:
        """Every known piece (and what it points to), expanded by the `protected` setting: what
        bubblewrap mounts read-only. Empty until the first command."""
        paths: list[Path] = []
        for finding in self._known.values():
            name = finding.path.name.casefold() if finding.kind == "entry" else ".git"
            suffixes = self._suffixes.get(name, ("",))
            for base in dict.fromkeys([finding.path, *finding.targets]):
                paths += [base / suffix if suffix else base for suffix in suffixes]
        return paths

    def close(self) -> None:
        if self._closer is not None:
            self._closer()

    # -- the picture ----------------------------------------------------------------------------

    def _arm(self) -> None:
        self._inotify = Inotify.open() if self._watch == "inotify" else None
        if self._inotify is not None:
            self._closer = weakref.finalize(self, self._inotify.close)
        found: list[Finding] = []
        for root in self._roots:
            self._scan(root, found)
        self._known.update((f.path, f) for f in found)
        self._armed = True

    def _refresh(self) -> list[Finding]:
        """Read again every folder that changed; returns the pieces that are new."""
        changed, everything = self._changed_folders()
        folders = list(self._folders) if everything else changed
        new: list[Finding] = []
        for folder in sorted(folders, key=lambda path: len(path.parts)):  # parents first
            if folder in self._folders:  # not dropped by its parent's reading meanwhile
                self._scan(folder, new)
        self._vanished.clear()
        return new

    def _changed_folders(self) -> tuple[set[Path], bool]:
        changed: set[Path] = set()
        overflowed = False
        if self._inotify is not None:
            drained = self._inotify.drain()
            changed |= drained.folders
            overflowed = drained.overflowed
        for folder in self._polled:
            record = self._folders[folder]
            if record.racy or self._stamp(folder)[0] != record.stamp:
                changed.add(folder)
        return changed, overflowed

    def _stamp(self, folder: Path) -> tuple[tuple[int, int, int] | None, bool]:
        try:
            status = os.lstat(folder)
        except OSError:
            return None, False
        racy = time.time_ns() - status.st_mtime_ns < _RACY_NS
        return (status.st_mtime_ns, status.st_ctime_ns, status.st_ino), racy

    def _scan(self, start: Path, found: list[Finding]) -> None:
        """Read `start` again, and every sub-folder not seen before, fully."""
        pending = [start]
        while pending:
            folder = pending.pop()
            pending += self._read(folder, found)

    def _read(self, folder: Path, found: list[Finding]) -> list[Path]:
        """Read one folder: returns its sub-folders not tracked before; adds new findings."""
        record = self._folders.get(folder)
        if record is None:
            record = self._folders[folder] = _Folder()
        # Watch before listing: what is made after the watch is an event, what was made before
        # is in the listing.
        if self._inotify is not None and (self._inotify.watched(folder) or self._inotify.watch(folder)):
            self._polled.discard(folder)
        else:
            record.stamp, record.racy = self._stamp(folder)
            self._polled.add(folder)
        entries = _list(folder)
        if entries is None:  # gone (its parent's reading drops it) or unreadable even to its owner
            return []
        current: dict[Path, Finding] = {}
        subfolders: set[str] = set()
        shape_names: list[str] = []
        # The hot loop of the first walk (every entry of the workspace): Paths only for the few
        # entries that matter.
        guarded_names = self._names
        for entry in entries:
            name = entry.name
            folded = name.casefold()
            if folded in SHAPE_NAMES:
                shape_names.append(name)
            if folded in guarded_names:
                path = folder / name
                with contextlib.suppress(OSError):
                    status = entry.stat(follow_symlinks=False)
                    current[path] = Finding(path, "entry", identity_of(status), _targets(path))
            elif entry.is_dir(follow_symlinks=False):
                subfolders.add(name)
        if self.git_dirs and shaped_like_git_dir(shape_names):
            with contextlib.suppress(OSError):
                current[folder] = Finding(folder, "git-dir", identity_of(os.lstat(folder)), _common(folder))
            subfolders = set()  # a git directory is protected whole, not watched inside
        for path in record.found - set(current):
            self._forget(path)
        for finding in current.values():
            if not self._is_known(finding):
                found.append(finding)
        record.found = set(current)
        for name in record.children - subfolders:
            self._drop(folder / name)
        added = subfolders - record.children
        record.children = subfolders
        return [folder / name for name in added]

    def _forget(self, path: Path) -> None:
        gone = self._known.pop(path, None)
        if gone is not None:
            self._vanished[gone.identity] = gone

    def _is_known(self, finding: Finding) -> bool:
        known = self._known.get(finding.path)
        if known is not None and known.identity == finding.identity:
            return True
        # The same file or folder moved (a folder holding a submodule renamed): not planted.
        # Its old place may have been read already (vanished) or not yet (still known there).
        moved = self._vanished.pop(finding.identity, None)
        if moved is None:
            moved = next(
                (
                    k
                    for k in self._known.values()
                    if k.identity == finding.identity and not os.path.lexists(k.path)
                ),
                None,
            )
            if moved is not None:
                del self._known[moved.path]
        if moved is None:
            return False
        self._known[finding.path] = finding
        return True

    def _drop(self, folder: Path) -> None:
        """Forget a folder and everything tracked below it."""
        pending = [folder]
        while pending:
            path = pending.pop()
            record = self._folders.pop(path, None)
            if record is None:
                continue
            self._polled.discard(path)
            for piece in record.found:
                self._forget(piece)
            if self._inotify is not None:
                self._inotify.unwatch(path)
            pending += [path / name for name in record.children]

    def _root_of(self, path: Path) -> Path:
        return max((r for r in self._roots if path.is_relative_to(r)), key=lambda r: len(r.parts))

    def _shown(self, path: Path) -> str:
        for root in self._roots:
            if path.is_relative_to(root) and path != root:
                return path.relative_to(root).as_posix()
        return str(path)


def _list(folder: Path) -> list[os.DirEntry[str]] | None:
    try:
        with os.scandir(folder) as listing:
            return list(listing)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except PermissionError:
        # A command may have made a folder unreadable (mode 0100): git can still reach .git in
        # it by name, so look inside, as its owner, and put the mode back.
        return _list_as_owner(folder)
    except OSError:
        return None


def _list_as_owner(folder: Path) -> list[os.DirEntry[str]] | None:
    try:
        with owner_access(folder), os.scandir(folder) as listing:
            return list(listing)
    except OSError:
        return None


def _targets(entry: Path) -> tuple[Path, ...]:
    target = gitdir_target(entry)
    if target is None:
        return ()
    return (target, *_common(target))


def _common(git_dir: Path) -> tuple[Path, ...]:
    common = commondir_target(git_dir)
    return (common,) if common is not None else ()

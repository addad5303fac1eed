"""Renaming planted repository metadata aside, so that neither git nor vibe will use it.

A `.git` or `.vibe` entry becomes `<name>.quarantined-by-vibe` (or `-2`, `-3`... when taken); a
folder that is (or, renamed, still is) shaped like a git directory loses its `HEAD` the same way,
which is enough: git does not take a folder without HEAD for a repository. Nothing is deleted:
what the command made stays there for the user to look at.

Renames happen inside a folder opened beneath the workspace root without following symlinks
(vibe/beneath.py). A command may have taken its owner's write or read permission from a folder to
make the rename fail; as the owner, vibe gives it back for the rename and restores it.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Generator
from dataclasses import dataclass
from pathlib import Path

from vibe.beneath import open_folder_beneath
from vibe.sandbox.repo_metadata import Finding, shaped_like_git_dir

QUARANTINE_SUFFIX = ".quarantined-by-vibe"
_ATTEMPTS = 100


@dataclass(frozen=True, slots=True)
class Neutralised:
    finding: Finding
    moved: tuple[tuple[Path, Path], ...]  # (from, to)
    error: str | None = None

    def note(self, shown: Callable[[Path], str]) -> str:
        """One sentence (two with the advice) for the model and the user."""
        where = shown(self.finding.path)
        made = f"made {where} a git directory" if self.finding.kind == "git-dir" else f"created {where}"
        if self.error is not None:
            return (
                f"[vibe] WARNING: the command {made}, and vibe could not rename it aside ({self.error}): "
                "git run there would use its config. Tell the user."
            )
        renames = ", ".join(f"{shown(old)} to {new.name}" for old, new in self.moved)
        return (
            f"[vibe] The command {made}; vibe renamed {renames}, so that git and vibe never use it. "
            "Commands may not create git repositories or .vibe settings in the workspace; if one is "
            "needed, ask the user to create it."
        )


def neutralise(root: Path, finding: Finding) -> Neutralised:
    """Rename `finding` (below `root`) aside; an error is reported in the result, not raised."""
    moved: list[tuple[Path, Path]] = []
    try:
        target = finding.path
        if finding.kind == "entry":
            target = rename_aside(root, finding.path)
            moved.append((finding.path, target))
        if target.is_dir() and not target.is_symlink() and _shaped_on_disk(target):
            head = rename_aside(root, target / "HEAD")
            moved.append((target / "HEAD", head))
    except OSError as exc:
        return Neutralised(finding, tuple(moved), exc.strerror or str(exc))
    return Neutralised(finding, tuple(moved))


def rename_aside(root: Path, path: Path) -> Path:
    """Rename `path` to a free `<name>.quarantined-by-vibe[-N]` beside it; returns the new path."""
    try:
        return _rename_aside(root, path)
    except PermissionError:
        with owner_access(path.parent):
            return _rename_aside(root, path)


@contextlib.contextmanager
def owner_access(folder: Path) -> Generator[None]:
    """Give the owner read, write and search on `folder` for a moment, then put its mode back.
    Does nothing to a folder this user does not own (the operation then fails as it would)."""
    status = os.lstat(folder)
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.geteuid():
        yield
        return
    mode = stat.S_IMODE(status.st_mode)
    folder.chmod(mode | stat.S_IRWXU)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            folder.chmod(mode)


def _rename_aside(root: Path, path: Path) -> Path:
    root_fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        folder = open_folder_beneath(root_fd, path.parent.relative_to(root).parts)
    finally:
        os.close(root_fd)
    try:
        for attempt in range(_ATTEMPTS):
            name = f"{path.name}{QUARANTINE_SUFFIX}" + (f"-{attempt + 1}" if attempt else "")
            try:
                os.stat(name, dir_fd=folder, follow_symlinks=False)
                continue  # taken
            except FileNotFoundError:
                pass
            os.rename(path.name, name, src_dir_fd=folder, dst_dir_fd=folder)
            return path.parent / name
        raise FileExistsError(f"no free name for {path.name}{QUARANTINE_SUFFIX}")
    finally:
        os.close(folder)


def _shaped_on_disk(folder: Path) -> bool:
    try:
        return shaped_like_git_dir([entry.name for entry in folder.iterdir()])
    except OSError:
        return False

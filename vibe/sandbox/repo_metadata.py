"""What counts as repository metadata, wherever it sits in a workspace.

git finds a repository from the current folder upwards through a `.git` entry (a folder, a
symlink, or a file saying `gitdir: PATH`), or by the current folder itself looking like a git
directory: a `HEAD`, with `objects/` and `refs/` beside it or a `commondir` file naming where
they are (a bare repository, a linked worktree's or submodule's git directory). Whatever config
git finds there can name programs to run. vibe reads its own settings and rules from `.vibe/`.

So: a `.git` or `.vibe` entry at any depth, any folder shaped like a git directory, and the
folder a `.git` file or symlink points to. Names are compared case-folded, as a case-insensitive
file system (macOS, Windows shares) would resolve them.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["metadata_reason"]

METADATA_NAMES = frozenset({".git", ".vibe"})
_HEAD = "head"
# Either of these beside HEAD completes a git directory (git's is_git_directory).
_STORE = frozenset({"objects", "refs"})
_COMMONDIR = "commondir"
# Case-folded names whose appearance can turn their folder into a git directory.
SHAPE_NAMES = frozenset({_HEAD, _COMMONDIR, *_STORE})
# `gitdir:` files are a line; anything longer is not one git wrote.
_MAX_GITDIR_FILE = 4096


Kind = Literal["entry", "git-dir"]
# (device, inode): the same file or folder, wherever it has been moved.
Identity = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Finding:
    """A piece of repository metadata on disk: a `.git`/`.vibe` entry ("entry"), or a folder
    shaped like a git directory ("git-dir")."""

    path: Path
    kind: Kind
    identity: Identity
    # The git directories it points to (a `gitdir:` file, a symlink, a `commondir` file).
    targets: tuple[Path, ...] = ()


def identity_of(status: os.stat_result) -> Identity:
    return (status.st_dev, status.st_ino)


def is_metadata_name(name: str) -> bool:
    """`.git` or `.vibe`, in any case."""
    return name.casefold() in METADATA_NAMES


def shaped_like_git_dir(names: Collection[str]) -> bool:
    """Whether a folder holding entries `names` is one git would use as a git directory."""
    folded = {name.casefold() for name in names}
    return _HEAD in folded and (_COMMONDIR in folded or _STORE.issubset(folded))


def folder_shaped_like_git_dir(folder: Path, adding: str | None = None) -> bool:
    """`shaped_like_git_dir` for a folder on disk, as it would be once `adding` exists in it.

    Looks up the four names git itself looks up (a few lstat calls, not a listing), so a large
    folder costs no more than a small one.
    """
    if folder.is_symlink() or not folder.is_dir():
        return False
    present = [name for name in ("HEAD", "objects", "refs", "commondir") if os.path.lexists(folder / name)]
    return shaped_like_git_dir([*present, *([adding] if adding else [])])


def gitdir_target(entry: Path) -> Path | None:
    """The git directory a `.git` file (`gitdir: PATH`) or symlink points to, resolved; None for
    a `.git` folder, a missing entry, or a file that is not a gitdir pointer."""
    try:
        if entry.is_symlink():
            return Path(os.path.realpath(entry))
        if not entry.is_file():
            return None
        with entry.open("rb") as handle:
            head = handle.read(_MAX_GITDIR_FILE)
    except OSError:
        return None
    text = head.decode("utf-8", errors="replace").strip()
    if not text.startswith("gitdir:"):
        return None
    target = Path(text.removeprefix("gitdir:").strip())
    return Path(os.path.realpath(entry.parent / target))


def commondir_target(git_dir: Path) -> Path | None:
    """Where a linked git directory's `commondir` file says the shared objects and refs are."""
    try:
        text = (git_dir / _COMMONDIR).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return Path(os.path.realpath(git_dir / text)) if text else None


def _ancestors(path: Path, root: Path) -> Iterator[tuple[Path, str]]:
    """(folder, name of the next entry) from `path`'s parent up to `root`, innermost first."""
    child = path
    while child != root and child.is_relative_to(root):
        yield child.parent, child.name
        child = child.parent


def metadata_reason(path: Path, root: Path) -> str | None:
    """Why writing `path` (absolute, symlink-resolved, inside `root`) would change repository
    metadata, or None. Counts a write that would complete a git directory's shape."""
    relative = path.relative_to(root)
    for part in relative.parts:
        if is_metadata_name(part):
            return f"it is inside {part}"
    for folder, name in _ancestors(path, root):
        if folder_shaped_like_git_dir(folder, adding=name):
            shown = folder.relative_to(root).as_posix() if folder != root else "the workspace folder"
            if folder_shaped_like_git_dir(folder):
                return f"{shown} is a git directory"
            return f"it would make {shown} a git directory (HEAD with objects/ and refs/)"
    return None

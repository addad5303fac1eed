"""The private scratch area of one sandbox, removed with it (or at interpreter exit).

`path` is exported as TMPDIR to confined commands and writable for them in every confined mode;
`empty` is a read-only empty folder that bubblewrap mounts over protected paths that do not
exist yet, so they cannot be created.

A vibe killed outright (SIGKILL, a power cut) cannot remove its own: the folder's name carries
the owner's pid, and the first sandbox of a later run removes those whose owner is gone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

_PREFIX = "vibe-sandbox-"
_swept = False


def sweep_leftovers(folder: Path | None = None) -> list[Path]:
    """Remove the scratch folders of vibe processes that no longer run; the ones removed."""
    root = folder or Path(tempfile.gettempdir())
    removed: list[Path] = []
    try:
        entries = list(root.iterdir())
    except OSError:
        return removed
    for entry in entries:
        owner = entry.name.removeprefix(_PREFIX).split("-", 1)[0]
        if not entry.name.startswith(_PREFIX) or not owner.isdigit() or _alive(int(owner)):
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue  # another user's: not ours to remove
        except OSError:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PrivateTmp:
    def __init__(self) -> None:
        global _swept
        if not _swept:
            _swept = True
            sweep_leftovers()
        prefix = f"{_PREFIX}{os.getpid()}-"
        base = Path(os.path.realpath(tempfile.mkdtemp(prefix=prefix)))
        self._finalizer = weakref.finalize(self, shutil.rmtree, base, ignore_errors=True)
        self.path = base / "tmp"
        self.path.mkdir()
        self.empty = base / "empty"
        self.empty.mkdir(mode=0o555)

    def remove(self) -> None:
        self._finalizer()

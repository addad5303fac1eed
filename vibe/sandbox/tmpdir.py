"""The private scratch area of one sandbox, removed with it (or at interpreter exit).

`path` is exported as TMPDIR to confined commands and writable for them in every confined mode;
`empty` is a read-only empty folder that bubblewrap mounts over protected paths that do not
exist yet, so they cannot be created.

A vibe killed outright (SIGKILL, a power cut) cannot remove its own: the folder's name carries
the owner's pid, and it holds a lock on a file inside for as long as it lives, so the first
sandbox of a later run knows the folders whose owner is gone (its pid is gone and its lock is
free: a reused pid or another PID namespace never makes a live run's folder look dead). It
kills any confined process of that run still alive (one only escapes when vibe is killed in the
instant bubblewrap starts), then removes the folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import weakref
from pathlib import Path

from vibe.sandbox.reaper import kill_confined_in

_PREFIX = "vibe-sandbox-"
_OWNER_LOCK = "owner.lock"
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
        if not entry.name.startswith(_PREFIX) or not owner.isdigit() or _alive(int(owner), entry):
            continue
        try:
            if entry.stat().st_uid != os.getuid():
                continue  # another user's: not ours to remove
        except OSError:
            continue
        kill_confined_in(str(Path(os.path.realpath(entry)) / "tmp"))
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


def _alive(pid: int, folder: Path) -> bool:
    """Whether the vibe that made `folder` may still run: its pid runs, or its lock is held. Both
    must say "gone" (a reused pid, or a folder just made and not yet locked, keeps it)."""
    return _pid_alive(pid) or _lock_held(folder / _OWNER_LOCK)


def _lock_held(lock: Path) -> bool:
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:  # held (BlockingIOError), or cannot tell
        return True
    finally:
        os.close(fd)
    return False


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _discard(base: Path, owner_lock: int) -> None:
    shutil.rmtree(base, ignore_errors=True)
    os.close(owner_lock)


class PrivateTmp:
    def __init__(self) -> None:
        global _swept
        if not _swept:
            _swept = True
            sweep_leftovers()
        prefix = f"{_PREFIX}{os.getpid()}-"
        base = Path(os.path.realpath(tempfile.mkdtemp(prefix=prefix)))
        # Held until this process ends (the descriptor is not inherited by commands).
        self._owner_lock = os.open(base / _OWNER_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._owner_lock, fcntl.LOCK_EX)
        self._finalizer = weakref.finalize(self, _discard, base, self._owner_lock)
        self.path = base / "tmp"
        self.path.mkdir()
        self.empty = base / "empty"
        self.empty.mkdir(mode=0o555)

    def remove(self) -> None:
        self._finalizer()

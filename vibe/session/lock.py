"""One writer per session file, across processes.

Two runs appending to the same session (`vibe -c` twice, or `-c` while the first run still goes)
would interleave their lines and lose results. Each writer takes an exclusive `flock` on the
session file for as long as it is open; a second process that cannot get it forks the session
instead (see `SessionStore.reopen`). Within one process a session may be reopened while an
earlier writer of it is still open (an editor reloading a session it shows): the lock is held
once for the process and released when its last writer closes.
"""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path


class SessionBusyError(Exception):
    """Another process is writing this session."""


_lock = threading.Lock()
# Real path -> (lock descriptor, writers of this process holding it).
_held: dict[str, tuple[int, int]] = {}


class SessionLock:
    """Held from `acquire` until `release`; release is idempotent."""

    def __init__(self, path: Path) -> None:
        self._key = os.path.realpath(path)
        self._released = True

    def acquire(self) -> None:
        """Raises SessionBusyError when another process holds the session."""
        with _lock:
            held = _held.get(self._key)
            if held is not None:
                _held[self._key] = (held[0], held[1] + 1)
                self._released = False
                return
            fd = os.open(self._key, os.O_RDONLY | os.O_CLOEXEC)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise SessionBusyError(self._key) from None
            except BaseException:
                os.close(fd)
                raise
            _held[self._key] = (fd, 1)
            self._released = False

    def release(self) -> None:
        with _lock:
            if self._released:
                return
            self._released = True
            fd, count = _held[self._key]
            if count > 1:
                _held[self._key] = (fd, count - 1)
                return
            del _held[self._key]
            os.close(fd)  # closing the descriptor drops the flock

"""Linux inotify through ctypes: which watched folders gained or lost entries since last asked.

Only what the metadata guard needs: a non-blocking instance, one watch per folder for entries
created, deleted or moved in and out, and a drain that reports the folders touched. The kernel
queues an event in the same system call that changes the folder, so once a command has exited,
everything it did is in the queue. A full queue (IN_Q_OVERFLOW) is reported as such: the caller
must then look at every folder again.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

_IN_MOVED_FROM = 0x40
_IN_MOVED_TO = 0x80
_IN_CREATE = 0x100
_IN_DELETE = 0x200
_IN_Q_OVERFLOW = 0x4000
_IN_IGNORED = 0x8000
_IN_ONLYDIR = 0x01000000
_IN_DONT_FOLLOW = 0x02000000
_IN_EXCL_UNLINK = 0x04000000
_WATCH_MASK = (
    _IN_CREATE | _IN_DELETE | _IN_MOVED_FROM | _IN_MOVED_TO | _IN_ONLYDIR | _IN_DONT_FOLLOW | _IN_EXCL_UNLINK
)
# struct inotify_event: int wd; uint32 mask, cookie, len; char name[len].
_HEADER = struct.Struct("iIII")
_READ_SIZE = 256 * 1024

_libc = ctypes.CDLL(None, use_errno=True)


@dataclass(frozen=True, slots=True)
class Changes:
    folders: frozenset[Path]
    # Events were lost: every folder may have changed.
    overflowed: bool


class Inotify:
    """One inotify instance. `open()` returns None where inotify cannot be had (not Linux, the
    per-user instance limit reached); `watch` returns False when a folder cannot be watched
    (the per-user watch limit), and the caller must look at that folder some other way."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._paths: dict[int, Path] = {}
        self._wds: dict[Path, int] = {}

    @classmethod
    def open(cls) -> Inotify | None:
        if sys.platform != "linux":
            return None
        fd = int(_libc.inotify_init1(ctypes.c_int(os.O_NONBLOCK | os.O_CLOEXEC)))
        return cls(fd) if fd >= 0 else None

    def watch(self, folder: Path) -> bool:
        wd = int(_libc.inotify_add_watch(self._fd, os.fsencode(folder), ctypes.c_uint32(_WATCH_MASK)))
        if wd < 0:
            return False
        # A folder moved elsewhere and watched again keeps its watch: the new path replaces the old.
        old = self._paths.get(wd)
        if old is not None and self._wds.get(old) == wd:
            del self._wds[old]
        self._paths[wd] = folder
        self._wds[folder] = wd
        return True

    def unwatch(self, folder: Path) -> None:
        wd = self._wds.pop(folder, None)
        if wd is not None:
            self._paths.pop(wd, None)
            _libc.inotify_rm_watch(self._fd, ctypes.c_int(wd))  # fails harmlessly if already gone

    def watched(self, folder: Path) -> bool:
        return folder in self._wds

    def drain(self) -> Changes:
        folders: set[Path] = set()
        overflowed = False
        for wd, mask in self._events():
            if mask & _IN_Q_OVERFLOW:
                overflowed = True
            elif mask & _IN_IGNORED:  # the folder is gone (or unwatched)
                path = self._paths.pop(wd, None)
                if path is not None and self._wds.get(path) == wd:
                    del self._wds[path]
            elif wd in self._paths:
                folders.add(self._paths[wd])
        return Changes(frozenset(folders), overflowed)

    def _events(self) -> Iterator[tuple[int, int]]:
        while True:
            try:
                data = os.read(self._fd, _READ_SIZE)
            except BlockingIOError:
                return
            except OSError as exc:  # pragma: no cover - a broken instance: say everything changed
                if exc.errno == errno.EINTR:
                    continue
                yield -1, _IN_Q_OVERFLOW
                return
            offset = 0
            while offset + _HEADER.size <= len(data):
                wd, mask, _cookie, length = _HEADER.unpack_from(data, offset)
                offset += _HEADER.size + length
                yield wd, mask

    def close(self) -> None:
        if self._fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = -1

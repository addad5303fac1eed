"""The file I/O seam: local disk, or (in editor mode) the editor's buffers over ACP `fs/*`."""

from __future__ import annotations

import asyncio
import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from vibe.beneath import replace_file

# Text tools hold a whole file (and a few copies while matching and diffing): past this size a
# file is read through a window (read_file) or changed with a command, never loaded whole.
MAX_TEXT_BYTES = 10 * 1024 * 1024


class BinaryFileError(Exception):
    pass


class FileTooLargeError(Exception):
    def __init__(self, path: Path, size: int) -> None:
        super().__init__(f"{path} is {size:,} bytes, more than the {MAX_TEXT_BYTES:,} a text tool loads")
        self.path = path
        self.size = size


class FileSystem(Protocol):
    async def read_text(self, path: Path) -> str:
        """UTF-8 text of `path`. Raises FileNotFoundError, IsADirectoryError, BinaryFileError,
        FileTooLargeError, or OSError (e.g. for a named pipe or a device)."""
        ...

    async def write_text(self, path: Path, content: str) -> None:
        """Create or replace `path` atomically with UTF-8 `content`, creating parent folders.
        `path` is as `Workspace.resolve` gave it: a symlink that appeared on the way since then
        makes the write fail (OSError) rather than follow it."""
        ...


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def open_regular_file(path: Path) -> int:
    """A read-only descriptor of `path`, which must be a regular file.

    Opened non-blocking and checked before any read: opening a named pipe for reading waits for
    a writer, and reading a device can last forever; either would hang the run.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(mode):
            raise OSError(errno.EINVAL, "not a regular file (a named pipe, socket or device)", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_regular_file(path: Path, max_bytes: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of regular file `path`; FileTooLargeError past `max_bytes`."""
    fd = open_regular_file(path)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise FileTooLargeError(path, size)
        return handle.read()


class LocalFileSystem:
    """The local disk. Writes never follow a symlink below the workspace root holding the file
    (below `/` for a file outside `roots`): see vibe/beneath.py."""

    def __init__(self, roots: Sequence[Path] = ()) -> None:
        self._roots = tuple(roots)

    async def read_text(self, path: Path) -> str:
        data = await asyncio.to_thread(read_regular_file, path)
        if looks_binary(data):
            raise BinaryFileError(f"{path} is a binary file")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BinaryFileError(f"{path} is not UTF-8 text") from exc

    async def write_text(self, path: Path, content: str) -> None:
        holding = [root for root in self._roots if path.is_relative_to(root)]
        root = max(holding, key=lambda r: len(r.parts)) if holding else None
        await asyncio.to_thread(replace_file, path, content.encode("utf-8"), root=root)

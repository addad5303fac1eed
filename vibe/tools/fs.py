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
from vibe.tools.errors import ToolError
from vibe.tools.text_encoding import UTF8, DecodedText, TextEncoding, decode_text

__all__ = ["FileSystem", "LocalFileSystem", "open_regular_file"]

# Text tools hold a whole file (and a few copies while matching and diffing): past this size a
# file is read through a window (read_file) or changed with a command, never loaded whole.
MAX_TEXT_BYTES = 10 * 1024 * 1024


class BinaryFileError(ToolError):
    """A text tool was pointed at a binary file."""


class FileTooLargeError(Exception):
    def __init__(self, path: Path, size: int) -> None:
        super().__init__(f"{path} is {size:,} bytes, more than the {MAX_TEXT_BYTES:,} a text tool loads")
        self.path = path
        self.size = size


class FileSystem(Protocol):
    async def read_text(self, path: Path) -> DecodedText:
        """The text of `path` and its encoding (see vibe/tools/text_encoding.py). Raises
        FileNotFoundError, IsADirectoryError, BinaryFileError, FileTooLargeError, or OSError
        (e.g. for a named pipe or a device)."""
        ...

    async def write_text(self, path: Path, content: str, encoding: TextEncoding = UTF8) -> None:
        """Create or replace `path` atomically with `content` in `encoding` (the one its read
        gave, so a file keeps its encoding and BOM), creating parent folders. Raises
        UnencodableTextError, writing nothing, when `content` has characters `encoding` lacks.
        `path` is as `Workspace.resolve` gave it: a symlink that appeared on the way since then
        makes the write fail (OSError) rather than follow it."""
        ...


def looks_binary(data: bytes) -> bool:
    """grep's quick test: a NUL in the first 8 KB. The file tools decide with `decode_text`,
    which also accepts UTF-16."""
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


def read_text_file(path: Path) -> DecodedText:
    """The text of regular file `path`, decoded as `FileSystem.read_text` says."""
    decoded = decode_text(read_regular_file(path))
    if decoded is None:
        raise BinaryFileError(f"{path} is a binary file")
    return decoded


class LocalFileSystem:
    """The local disk. Writes never follow a symlink below the workspace root holding the file
    (below `/` for a file outside `roots`): see vibe/beneath.py."""

    def __init__(self, roots: Sequence[Path] = ()) -> None:
        self._roots = tuple(roots)

    async def read_text(self, path: Path) -> DecodedText:
        return await asyncio.to_thread(read_text_file, path)

    async def write_text(self, path: Path, content: str, encoding: TextEncoding = UTF8) -> None:
        data = encoding.encode(content)  # before anything is touched: an unencodable text writes nothing
        holding = [root for root in self._roots if path.is_relative_to(root)]
        root = max(holding, key=lambda r: len(r.parts)) if holding else None
        await asyncio.to_thread(replace_file, path, data, root=root)

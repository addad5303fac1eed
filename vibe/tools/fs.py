"""The file I/O seam: local disk, or (in editor mode) the editor's buffers over ACP `fs/*`."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Protocol

from vibe.fileio import atomic_write_text


class BinaryFileError(Exception):
    pass


class FileSystem(Protocol):
    async def read_text(self, path: Path) -> str:
        """UTF-8 text of `path`. Raises FileNotFoundError, IsADirectoryError, BinaryFileError."""
        ...

    async def write_text(self, path: Path, content: str) -> None:
        """Create or replace `path` atomically with UTF-8 `content`, creating parent folders."""
        ...


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


class LocalFileSystem:
    async def read_text(self, path: Path) -> str:
        data = await asyncio.to_thread(path.read_bytes)
        if looks_binary(data):
            raise BinaryFileError(f"{path} is a binary file")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BinaryFileError(f"{path} is not UTF-8 text") from exc

    async def write_text(self, path: Path, content: str) -> None:
        await asyncio.to_thread(atomic_write_text, path, content)

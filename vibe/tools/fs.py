"""The file I/O seam: local disk, or (in editor mode) the editor's buffers over ACP `fs/*`."""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Protocol


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


def atomic_write_text(path: Path, content: str) -> None:
    """Write via a temp file in the same folder and rename, keeping an existing file's mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode: int | None = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".vibe-tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            Path(tmp_name).chmod(mode)
        Path(tmp_name).replace(path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


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

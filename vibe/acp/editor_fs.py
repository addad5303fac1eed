"""File I/O for editor mode: through the editor's buffers when it offers them, and a record of it.

`EditorFileSystem` reads and writes with the client's `fs/read_text_file` and
`fs/write_text_file`, so the agent sees unsaved changes and the editor tracks (and can undo)
the agent's edits. Each direction is used only when the client advertised it; otherwise, and
for folders, the local disk answers. When the editor declines a read, its answer stands: only
"not found" (the file is not there, or the editor says -32002) lets the disk answer instead, so
an editor that keeps a file from the agent (a secret, a file outside its project) is obeyed.

The editor decodes and encodes its buffers itself (it knows each file's encoding, and saves a
buffer back in it), so text read through the editor is labelled UTF-8. Only a read the disk
answered can carry another encoding (Latin-1, UTF-16); such a file is written back to the disk in
that encoding, since the editor, handed just the text, might save it as UTF-8.

`RecordingFileSystem` wraps either one and remembers what was read and written, so edit tool
calls can be shown as ACP diffs with the file's real old and new text.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, cast

from acp.exceptions import RequestError
from acp.schema import ReadTextFileResponse, WriteTextFileResponse

from vibe.tools.fs import FileSystem, LocalFileSystem
from vibe.tools.text_encoding import UTF8, DecodedText, TextEncoding
from vibe.unicode_text import scrub

log = logging.getLogger("vibe.acp")
# ACP's JSON-RPC error code for "resource not found".
RESOURCE_NOT_FOUND = -32002


@dataclass(frozen=True, slots=True)
class EditorPaths:
    """The agent works on real (symlink-resolved) paths; the editor knows the folder by the path
    it opened (on macOS, /tmp is /private/tmp). Paths sent to the editor use its spelling."""

    real_root: Path
    editor_root: Path

    def to_editor(self, path: Path) -> str:
        if self.real_root != self.editor_root and path.is_relative_to(self.real_root):
            return str(self.editor_root / path.relative_to(self.real_root))
        return str(path)


class FileClient(Protocol):
    """The part of the SDK's client connection this module uses."""

    async def read_text_file(
        self, session_id: str, path: str, line: int | None = None, limit: int | None = None
    ) -> ReadTextFileResponse: ...

    async def write_text_file(
        self, session_id: str, path: str, content: str
    ) -> WriteTextFileResponse | None: ...


class EditorFileSystem:
    def __init__(self, client: FileClient, paths: EditorPaths, *, read: bool, write: bool) -> None:
        self._client = client
        self._paths = paths
        self.session_id = ""  # known once the engine has created the session
        self._read = read
        self._write = write
        self._disk = LocalFileSystem()

    async def read_text(self, path: Path) -> DecodedText:
        if not self._read or await asyncio.to_thread(path.is_dir):
            return await self._disk.read_text(path)
        try:
            response = await self._client.read_text_file(self.session_id, self._paths.to_editor(path))
        except RequestError as exc:
            if exc.code == RESOURCE_NOT_FOUND or not await asyncio.to_thread(path.exists):
                log.info("editor did not find %s (%s); asking the disk", path, exc)
                return await self._disk.read_text(path)
            log.info("editor declined to read %s: %s", path, exc)
            raise PermissionError(f"the editor declined to read the file: {_reason(exc)}") from exc
        return DecodedText(scrub(response.content), UTF8)

    async def write_text(self, path: Path, content: str, encoding: TextEncoding = UTF8) -> None:
        if not self._write or encoding != UTF8:
            await self._disk.write_text(path, content, encoding)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self._client.write_text_file(self.session_id, self._paths.to_editor(path), content)
        except RequestError as exc:
            raise OSError(f"the editor refused to write the file: {_reason(exc)}") from exc


def _reason(exc: RequestError) -> str:
    """The editor's error message with its details: "Internal error" alone tells the model nothing."""
    data: object = exc.data
    details = cast(dict[str, object], data).get("details") if isinstance(data, dict) else data
    if details is None or str(details) in str(exc):
        return str(exc)
    return f"{exc} ({details})"


@dataclass(slots=True)
class FileActivity:
    """The last text read from each file, and each write as (text before, text after)."""

    last_read: dict[Path, str | None] = field(default_factory=dict[Path, str | None])
    writes: dict[Path, deque[tuple[str | None, str]]] = field(
        default_factory=dict[Path, deque[tuple[str | None, str]]]
    )

    def take_write(self, path: Path) -> tuple[str | None, str] | None:
        """The oldest write to `path` not yet shown, if any."""
        queue = self.writes.get(path)
        return queue.popleft() if queue else None


class RecordingFileSystem:
    def __init__(self, inner: FileSystem, activity: FileActivity) -> None:
        self.inner = inner
        self.activity = activity

    async def read_text(self, path: Path) -> DecodedText:
        try:
            decoded = await self.inner.read_text(path)
        except FileNotFoundError:
            self.activity.last_read[path] = None
            raise
        self.activity.last_read[path] = decoded.text
        return decoded

    async def write_text(self, path: Path, content: str, encoding: TextEncoding = UTF8) -> None:
        # Writes re-read the file just before (to refuse a clobber): that read is the old text.
        before = self.activity.last_read.get(path)
        await self.inner.write_text(path, content, encoding)
        self.activity.last_read[path] = content
        self.activity.writes.setdefault(path, deque()).append((before, content))

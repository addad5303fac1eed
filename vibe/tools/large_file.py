"""A window of lines from a file too large to load whole, read in one streaming pass.

Memory stays bounded by the window, whatever the file's size or the length of its lines: lines
outside the window are only counted, and a line inside it keeps just the bytes read_file can show.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vibe.tools.fs import BinaryFileError, looks_binary, open_regular_file

_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class WindowLine:
    text: str
    # Bytes of the line not read into `text` (a minified or generated line of many megabytes).
    bytes_left_out: int = 0


@dataclass(frozen=True, slots=True)
class FileWindow:
    lines: list[WindowLine]
    total_lines: int


def read_window(path: Path, first: int, count: int, keep_chars: int) -> FileWindow:
    """Lines `first`..`first + count - 1` (1-based) of `path`, each cut to about `keep_chars`.

    Raises BinaryFileError for a binary or non-UTF-8 file, as `FileSystem.read_text` does.
    """
    keep_bytes = keep_chars * 4 + 4  # enough UTF-8 for keep_chars characters, and one more
    collector = _Collector(first, first + count, keep_bytes)
    with os.fdopen(open_regular_file(path), "rb") as handle:
        head = handle.read(_CHUNK_BYTES)
        if looks_binary(head):
            raise BinaryFileError(f"{path} is a binary file")
        chunk = head
        while chunk:
            collector.feed(chunk)
            chunk = handle.read(_CHUNK_BYTES)
    return collector.finish()


class _Collector:
    def __init__(self, start: int, stop: int, keep_bytes: int) -> None:
        self._start, self._stop, self._keep = start, stop, keep_bytes
        self._line = 1  # number of the line the next byte belongs to
        self._partial = bytearray()
        self._partial_size = 0  # bytes of the current line seen, kept or not
        self._lines: list[WindowLine] = []

    def feed(self, chunk: bytes) -> None:
        newlines = chunk.count(b"\n")
        last_line = self._line + newlines
        if last_line < self._start or self._line >= self._stop:  # the window is not in this chunk
            self._line = last_line
            if newlines:
                self._partial_size = len(chunk) - chunk.rfind(b"\n") - 1
            else:
                self._partial_size += len(chunk)
            return
        position = 0
        while True:
            end = chunk.find(b"\n", position)
            piece = chunk[position : len(chunk) if end == -1 else end]
            if self._start <= self._line < self._stop:
                room = self._keep - len(self._partial)
                if room > 0:
                    self._partial += piece[:room]
            self._partial_size += len(piece)
            if end == -1:
                return
            self._end_line()
            position = end + 1

    def finish(self) -> FileWindow:
        if self._partial_size:  # a last line without a final newline
            self._end_line()
        return FileWindow(self._lines, self._line - 1)

    def _end_line(self) -> None:
        if self._start <= self._line < self._stop:
            raw = bytes(self._partial)
            left_out = self._partial_size - len(raw)
            if raw.endswith(b"\r") and not left_out:
                raw = raw[:-1]
            try:
                # A cut may fall inside a character: only then may the tail be dropped.
                text = raw.decode("utf-8", errors="ignore" if left_out else "strict")
            except UnicodeDecodeError as exc:
                raise BinaryFileError("not UTF-8 text") from exc
            self._lines.append(WindowLine(text, left_out))
        self._line += 1
        self._partial = bytearray()
        self._partial_size = 0

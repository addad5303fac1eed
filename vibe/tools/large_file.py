"""A window of lines from a file too large to load whole, read in one streaming pass.

Memory stays bounded by the window, whatever the file's size or the length of its lines: lines
outside the window are only counted, and a line inside it keeps just the bytes read_file can show.

The encoding is judged from the first chunk (see vibe/tools/text_encoding.py). UTF-8 is scanned as
it is; any other encoding (UTF-16, Latin-1, Windows-1252) is transcoded to UTF-8 chunk by chunk on
the way, which keeps the scan itself simple and its memory bounded. A file whose later bytes do not
fit the encoding its start showed (UTF-8 text with Latin-1 further down) is refused, naming the
encoding, when those bytes are reached.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from vibe.tools.fs import BinaryFileError, open_regular_file
from vibe.tools.text_encoding import UTF8, TextEncoding, detect_encoding

_CHUNK_BYTES = 1 << 20


class MixedEncodingError(BinaryFileError):
    """The file starts in `encoding` but has bytes further on that are not."""

    def __init__(self, encoding: TextEncoding) -> None:
        super().__init__(f"it has bytes that are not {encoding.label}, the encoding its start is in")
        self.encoding = encoding


@dataclass(frozen=True, slots=True)
class WindowLine:
    text: str
    # Bytes of the line not read into `text` (a minified or generated line of many megabytes).
    bytes_left_out: int = 0


@dataclass(frozen=True, slots=True)
class FileWindow:
    lines: list[WindowLine]
    total_lines: int
    encoding: TextEncoding = UTF8


def read_window(path: Path, first: int, count: int, keep_chars: int) -> FileWindow:
    """Lines `first`..`first + count - 1` (1-based) of `path`, each cut to about `keep_chars`.

    Raises BinaryFileError for a binary file, as `FileSystem.read_text` does, and for a file that
    turns out not to be in the encoding its start showed.
    """
    keep_bytes = keep_chars * 4 + 4  # enough UTF-8 for keep_chars characters, and one more
    collector = _Collector(first, first + count, keep_bytes)
    with os.fdopen(open_regular_file(path), "rb") as handle:
        head = handle.read(_CHUNK_BYTES)
        encoding = detect_encoding(head)
        if encoding is None:
            raise BinaryFileError(f"{path} is a binary file")
        chunks = _chunks(head.removeprefix(encoding.bom_bytes), handle)
        for chunk in chunks if encoding.codec == "utf-8" else _to_utf8(chunks, encoding):
            collector.feed(chunk)
    window = collector.finish()
    return FileWindow(window.lines, window.total_lines, encoding)


def _chunks(head: bytes, handle: BinaryIO) -> Iterator[bytes]:
    yield head
    while chunk := handle.read(_CHUNK_BYTES):
        yield chunk


def _to_utf8(chunks: Iterable[bytes], encoding: TextEncoding) -> Iterator[bytes]:
    decoder = codecs.getincrementaldecoder(encoding.codec)("strict")
    try:
        for chunk in chunks:
            yield decoder.decode(chunk).encode("utf-8")
        yield decoder.decode(b"", True).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise MixedEncodingError(encoding) from exc


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
                raise MixedEncodingError(UTF8) from exc
            self._lines.append(WindowLine(text, left_out))
        self._line += 1
        self._partial = bytearray()
        self._partial_size = 0

"""Bounded capture of a process's output: keep the head and the tail, count what falls between.

A command may print gigabytes; the model only ever needs the beginning (what started, the first
error) and the end (the summary, the last error). Memory stays at about `cap_bytes` whatever the
output size, and the text says exactly how much was cut so the model never mistakes a cut for
the whole.
"""

from __future__ import annotations

from dataclasses import dataclass

# A cut is moved to a line boundary when one is this close (as a fraction of the kept part), so
# the omission marker sits between whole lines instead of inside one.
_LINE_ALIGN_FRACTION = 4


@dataclass(frozen=True, slots=True)
class CapturedText:
    text: str
    total_bytes: int
    omitted_bytes: int
    omitted_lines: int


def omission_marker(omitted_bytes: int, omitted_lines: int) -> str:
    line_word = "line" if omitted_lines == 1 else "lines"
    return f"[... {omitted_bytes:,} bytes ({omitted_lines:,} {line_word}) omitted ...]"


class HeadTailCapture:
    """Feed it bytes as they arrive; `render()` gives the capped, decoded text."""

    def __init__(self, cap_bytes: int) -> None:
        if cap_bytes < 2:
            raise ValueError("cap_bytes must be at least 2")
        self._head_limit = cap_bytes // 2
        self._tail_limit = cap_bytes - self._head_limit
        self._head = bytearray()
        self._tail = bytearray()
        self._total = 0
        self._evicted_bytes = 0
        self._evicted_newlines = 0

    @property
    def total_bytes(self) -> int:
        return self._total

    def feed(self, data: bytes) -> None:
        self._total += len(data)
        room = self._head_limit - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if not data:
            return
        self._tail += data
        excess = len(self._tail) - self._tail_limit
        if excess > 0:
            # Counted as it leaves, so the line count of the gap is exact without keeping it.
            self._evicted_newlines += self._tail.count(b"\n", 0, excess)
            self._evicted_bytes += excess
            del self._tail[:excess]

    def render(self) -> CapturedText:
        if self._evicted_bytes == 0:
            # Nothing was dropped, so head + tail is the contiguous stream.
            text = bytes(self._head + self._tail).decode("utf-8", errors="replace")
            return CapturedText(text, self._total, 0, 0)

        head_end = _head_cut(self._head)
        tail_start = _tail_cut(self._tail)
        head = bytes(self._head[:head_end])
        tail = bytes(self._tail[tail_start:])
        omitted_bytes = self._evicted_bytes + (len(self._head) - head_end) + tail_start
        omitted_lines = (
            self._evicted_newlines
            + self._head.count(b"\n", head_end)
            + self._tail.count(b"\n", 0, tail_start)
        )
        head_text = head.decode("utf-8", errors="replace")
        tail_text = tail.decode("utf-8", errors="replace")
        separator = "" if head_text.endswith("\n") or not head_text else "\n"
        text = f"{head_text}{separator}{omission_marker(omitted_bytes, omitted_lines)}\n{tail_text}"
        return CapturedText(text, self._total, omitted_bytes, omitted_lines)


def _head_cut(head: bytearray) -> int:
    """Where to end the kept head: after a nearby newline, else at a UTF-8 character start."""
    newline = head.rfind(b"\n")
    if newline >= 0 and len(head) - newline <= len(head) // _LINE_ALIGN_FRACTION:
        return newline + 1
    end = len(head)
    # Step back over continuation bytes to the start of the last character; drop it only if
    # it is incomplete.
    start = end - 1
    while start > 0 and end - start < 4 and _is_continuation(head[start]):
        start -= 1
    if start >= 0 and _utf8_length(head[start]) > end - start:
        return start
    return end


def _tail_cut(tail: bytearray) -> int:
    """Where to start the kept tail: after a nearby newline, else at a UTF-8 character start."""
    newline = tail.find(b"\n")
    if 0 <= newline < len(tail) // _LINE_ALIGN_FRACTION:
        return newline + 1
    start = 0
    while start < min(3, len(tail)) and _is_continuation(tail[start]):
        start += 1
    return start


def _is_continuation(byte: int) -> bool:
    return byte & 0xC0 == 0x80


def _utf8_length(lead: int) -> int:
    if lead >= 0xF0:
        return 4
    if lead >= 0xE0:
        return 3
    if lead >= 0xC0:
        return 2
    return 1

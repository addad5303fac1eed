"""Streaming text onto the screen at the pace the screen can afford.

Two ideas keep a fast stream (2,000 tokens/s and more) smooth without burning the CPU:

- Frame pacing (`FramePacer`): deltas are buffered and shown by a one-shot timer, at most one
  update per frame. The CPU time an update cost (until the screen has laid it out and painted
  it) sets the wait before the next one to at least twice that, so a heavy stream (long
  paragraphs, big code blocks) lowers the frame rate instead of the CPU drowning in repaints;
  every update shows all text received so far, so the screen never queues behind the stream.
  Nothing ticks while no text arrives.
- Settled blocks (`settled_end`): markdown before the last top-level block can no longer change
  as text is appended, so it is rendered once into its own widget; each frame re-renders only
  the open block at the end. The finished answer is rendered once more, whole, by the caller.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from functools import cache

from markdown_it import MarkdownIt
from rich.markdown import Markdown as RichMarkdown
from textual.timer import Timer
from textual.widget import Widget

FRAME_SECONDS = 1 / 30
# However slow a frame, text still shows up at least this often.
MAX_FRAME_SECONDS = 0.25
# Updates wait at least this many times their own cost: rendering keeps under a third of a core.
COST_FACTOR = 2.0
CODE_THEME = "ansi_dark"


def rich_markdown(text: str) -> RichMarkdown:
    return RichMarkdown(text, code_theme=CODE_THEME)


@cache
def _block_parser() -> MarkdownIt:
    # The same dialect rich renders with, so block boundaries agree with the final rendering.
    return MarkdownIt().enable("strikethrough").enable("table")


def settled_end(text: str, start: int) -> int:
    """The offset in `text` (≥ `start`, at a line start) up to which the markdown from `start`
    is complete blocks: everything before the last top-level block. Appending text can only
    extend or change that last block (a paragraph, an unclosed fence, a list still growing)."""
    tokens = _block_parser().parse(text[start:])
    last_block_line = 0
    for token in reversed(tokens):
        if token.level == 0 and token.map is not None:
            last_block_line = token.map[0]
            break
    if last_block_line == 0:
        return start
    offset = start
    for _ in range(last_block_line):
        offset = text.index("\n", offset) + 1
    return offset


class FramePacer:
    """Coalesces deltas and hands them to `show` at most once per (measured) frame."""

    def __init__(self, owner: Widget, show: Callable[[str], Awaitable[None]]) -> None:
        self._owner = owner
        self._show = show
        self._pending: list[str] = []
        self._timer: Timer | None = None
        self._delay = FRAME_SECONDS
        self._lock = asyncio.Lock()

    def add(self, text: str) -> None:
        self._pending.append(text)
        if self._timer is None:
            self._timer = self._owner.set_timer(self._delay, self._on_timer)

    async def _on_timer(self) -> None:
        # The timer's task runs this: forget the timer first, so that a `flush` meanwhile does
        # not stop it (stopping cancels its task, and with it this show half-way).
        self._timer = None
        await self._show_pending()

    async def flush(self) -> None:
        """Shows what is pending now (the stream ended or was cut short)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        await self._show_pending()

    async def _show_pending(self) -> None:
        # One show at a time: a flush from the timer may still be mounting when the stream ends
        # and the owner flushes (and then finishes) itself.
        async with self._lock:
            if not self._pending:
                return
            chunk = "".join(self._pending)
            self._pending.clear()
            began = time.process_time()
            await self._show(chunk)
        self._owner.call_after_refresh(self._painted, began)

    def _painted(self, began: float) -> None:
        """Runs once the screen has shown the update: its cost sets the next frame's delay.
        CPU time, not wall time: waiting for the screen's next tick costs nothing."""
        cost = time.process_time() - began
        self._delay = min(MAX_FRAME_SECONDS, max(FRAME_SECONDS, COST_FACTOR * cost))

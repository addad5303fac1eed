"""Work in a thread that stops when its task is cancelled.

`asyncio.to_thread` cannot interrupt a thread: cancelling the awaiting task returns at once but
the thread runs on, and the interpreter waits for it at exit. Work run here gets a flag, set when
the task ends for any reason, and checks it between steps (files, entries) to return early.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

__all__ = ["StopFlag", "StoppedError", "run_stoppable"]

T = TypeVar("T")


class StoppedError(Exception):
    """Raised inside the work when it sees the stop flag; never reaches the caller."""


class StopFlag:
    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    @property
    def stopped(self) -> bool:
        """For code that polls rather than raises (a parser's progress callback)."""
        return self._event.is_set()

    def check(self) -> None:
        """Raise StoppedError if the task that wanted this work has ended."""
        if self._event.is_set():
            raise StoppedError


async def run_stoppable(work: Callable[[StopFlag], T]) -> T:
    """`work(flag)` in a thread; cancelling the caller sets `flag`, so the thread ends soon."""
    flag = StopFlag()
    try:
        return await asyncio.to_thread(work, flag)
    finally:
        flag.set()

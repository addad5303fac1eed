"""A thread doing work for a cancelled task stops instead of running on unseen."""

from __future__ import annotations

import asyncio
import threading

import pytest

from vibe.tools.stoppable import StopFlag, StoppedError, run_stoppable


async def test_cancelling_the_task_stops_the_thread() -> None:
    started = threading.Event()
    ended = threading.Event()

    def work(flag: StopFlag) -> int:
        started.set()
        try:
            while True:
                flag.check()
        except StoppedError:
            ended.set()
            raise

    task = asyncio.ensure_future(run_stoppable(work))
    assert await asyncio.to_thread(started.wait, 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.to_thread(ended.wait, 10)


async def test_finished_work_returns_its_value() -> None:
    assert await run_stoppable(lambda flag: 42) == 42

"""Finding the processes a test started, to prove none outlived what should have killed it."""

from __future__ import annotations

import asyncio
import os
import shlex
import sys
import uuid

import psutil


def new_marker() -> str:
    return f"vibe-marker-{uuid.uuid4().hex[:16]}"


def sleeper(marker: str, seconds: int = 300) -> str:
    """A long-lived command whose own argv carries `marker`, so a survivor is always visible."""
    return f"{shlex.quote(sys.executable)} -c 'import time; time.sleep({seconds})' {marker}"


def survivors(marker: str) -> list[psutil.Process]:
    """Live processes whose command line mentions `marker` (zombies do not count)."""
    found: list[psutil.Process] = []
    for process in psutil.process_iter(["cmdline", "status"]):
        try:
            cmdline = " ".join(process.info["cmdline"] or [])
            if marker in cmdline and process.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return found


async def wait_until_running(marker: str) -> None:
    """Until a process with `marker` in its command line is seen. Polling only to observe a
    process that another one started (its command line is briefly unreadable while it execs)."""
    for _ in range(200):
        if survivors(marker):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no process with {marker} started")


async def assert_all_dead(marker: str) -> None:
    # Polling only to observe process death, which has no event to wait on.
    for _ in range(100):
        if not survivors(marker):
            return
        await asyncio.sleep(0.05)
    assert_no_survivors(marker)


def assert_no_survivors(marker: str) -> None:
    left = survivors(marker)
    for process in left:  # clean up before failing so one bad run cannot poison the next
        process.kill()
    assert left == []


def children(parent: int, marker: str) -> list[psutil.Process]:
    """Live children of `parent` whose command line mentions `marker`."""
    return [process for process in survivors(marker) if process.ppid() == parent]


def still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of `processes` that have not exited (a zombie has)."""
    running: list[psutil.Process] = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                running.append(process)
        except psutil.NoSuchProcess:
            continue
    return running


async def readable(fd: int) -> None:
    """Until `fd` can be read: a pipe written to, or a pidfd whose process has exited."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
    try:
        await ready
    finally:
        loop.remove_reader(fd)


async def all_exited(processes: list[psutil.Process]) -> None:
    """Until every one of `processes` has exited, told by the kernel (pidfds), not polled."""
    handles: list[int] = []
    try:
        for process in processes:
            try:
                handles.append(os.pidfd_open(process.pid))
            except ProcessLookupError:
                continue  # gone already
        await asyncio.gather(*(readable(handle) for handle in handles))
    finally:
        for handle in handles:
            os.close(handle)

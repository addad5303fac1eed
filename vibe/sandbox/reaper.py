"""Finds and kills processes a command left behind outside its process group.

`setsid`, `nohup ... &` in a subshell and daemons leave the command's process group, so killing
the group misses them. Every wrapped command carries a unique value in RUN_MARKER_ENV, which its
descendants inherit; once the command has ended, any live process whose initial environment holds
that value is a stray. Bubblewrap does not need this (its PID namespace dies with the command),
Landlock and the unconfined backend do. A process that replaces its whole environment (`env -i`)
before leaving the group escapes the sweep; the reports say so.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

from vibe.sandbox.base import RUN_MARKER_ENV

__all__ = ["stop_marked"]

_PROC = Path("/proc")
_POLL_SECONDS = 0.02


def _environments() -> Iterator[tuple[int, bytes]]:
    """(pid, initial environment) of every other process this user may read. A zombie's reads
    empty; one gone, or not ours to read (then not ours to kill either), is skipped."""
    own = os.getpid()
    try:
        entries = os.scandir(_PROC)
    except OSError:
        return
    with entries:
        for entry in entries:
            if not entry.name.isdigit() or int(entry.name) == own:
                continue
            try:
                with open(f"{entry.path}/environ", "rb") as environ:
                    yield int(entry.name), environ.read()
            except OSError:
                continue


def marked_pids(marker: str) -> list[int]:
    """Live processes (not zombies: their environment reads empty) carrying `marker`."""
    needle = f"{RUN_MARKER_ENV}={marker}".encode()
    return [pid for pid, data in _environments() if needle in data and _is_exact(data, needle)]


def kill_confined_in(tmp: str) -> list[int]:
    """SIGKILL every sandboxed process whose TMPDIR is `tmp` (a dead vibe's private area): what
    escaped its end, such as a bubblewrap sandbox that was still tying itself to a vibe killed
    outright. The pids killed."""
    marked = f"{RUN_MARKER_ENV}=".encode()
    wanted = f"TMPDIR={tmp}".encode()
    killed: list[int] = []
    for pid, data in _environments():
        if marked in data and _is_exact(data, wanted):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                continue
            killed.append(pid)
    return killed


def _is_exact(data: bytes, needle: bytes) -> bool:
    # The marker is an entry of a NUL-separated list; match whole entries only.
    return any(item == needle for item in data.split(b"\0"))


def kill_marked(marker: str) -> bool:
    """SIGKILL every process carrying `marker`, repeatedly until none is left (a stray may fork
    while we look). True if there was any."""
    killed_any = False
    for _ in range(50):
        pids = marked_pids(marker)
        if not pids:
            break
        killed_any = True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                continue
    return killed_any


async def stop_marked(marker: str, grace: float) -> bool:
    """SIGTERM the strays, give them `grace` seconds, then SIGKILL. True if there were any."""
    pids = marked_pids(marker)
    if not pids:
        return False
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            continue
    try:
        # Polling: the kernel offers no event for the death of processes that are not our children.
        for _ in range(max(1, round(grace / _POLL_SECONDS))):
            if not marked_pids(marker):
                return True
            await asyncio.sleep(_POLL_SECONDS)
    finally:
        # Also reached when cancelled mid-grace: never leave a stray running.
        kill_marked(marker)
    return True

"""Searches that take minutes, to test what stops them (cancellation, time limits, signals).

Each pattern carries a marker, so the process running it can be found by its command line.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import psutil

from support.processes import survivors

_WORDS = ("alpha", "beta", "gamma", "delta", "épsilon", "zeta", "eta", "theta")
# ripgrep's engines run Unicode word boundaries under a bounded repetition at about 1 MB/s:
# 64 MB of words take it about a minute, and the test stops it within a second or two.
_RIPGREP_SLOW = r"(\b\w+\b.{0,60}){12}\d"
_RIPGREP_BYTES = 64 * 1024 * 1024
# Python's backtracking engine needs 2^n steps on a line of n word characters with no digit.
_PYTHON_SLOW = r"^(\w+\s?)+\d"


def slow_search(folder: Path, marker: str, *, ripgrep: bool) -> str:
    """Write what the search will crawl through into `folder`; return the pattern to search."""
    rng = random.Random(7)
    # Varied lines: repeating one line would let ripgrep's DFA cache every state it needs.
    pool = [" ".join(rng.choice(_WORDS) for _ in range(12)) + "\n" for _ in range(4096)]
    count = _RIPGREP_BYTES // 75 if ripgrep else 50
    (folder / "words.txt").write_text("".join(rng.choices(pool, k=count)), encoding="utf-8")
    return f"{_RIPGREP_SLOW if ripgrep else _PYTHON_SLOW}|{marker}"


def _searching(marker: str) -> bool:
    """A searcher carrying `marker` runs: ripgrep, or the Python worker, not the sandbox that
    starts it (its argv holds the marker too, before the search has begun)."""
    for process in survivors(marker):
        try:
            name = process.name()
        except psutil.Error:
            continue
        if name == "rg" or name.startswith("python"):
            return True
    return False


async def wait_for_process(marker: str, timeout: float = 30) -> None:
    """Until the search carrying `marker` runs; polling, as a process start has no event to wait on."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not _searching(marker):
        if loop.time() > deadline:
            raise AssertionError(f"no search carrying {marker} started within {timeout} s")
        await asyncio.sleep(0.02)

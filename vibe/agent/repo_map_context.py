"""The repository map in the system prompt: built once, kept frozen, refreshed by compaction.

The system prompt is the start of every request, so a provider's prompt cache holds only while it
does not change. The map is therefore built when the first prompt is sent (its mentions weight
the ranking), and the first request waits for it only briefly: a map not ready by then joins at
the next refresh, never in the middle of a conversation the cache is serving. Compaction
rewrites the conversation (the cache is lost anyway), so that is when the map is rebuilt.

The building itself (listing, parsing, ranking) is someone else's: a `MapBuilder` run in a
thread that stops when the session closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from vibe.tools.stoppable import StopFlag, StoppedError, run_stoppable

__all__ = ["FIRST_WAIT_SECONDS", "MapBuilder", "RepoMapContext"]

log = logging.getLogger("vibe.agent")

# The prompt → the map's section of the system prompt ("" for none); blocking, in a thread.
MapBuilder = Callable[[str, StopFlag], str]

# How long the first request waits for the map, and a refresh for its rebuild.
FIRST_WAIT_SECONDS = 0.3
REFRESH_WAIT_SECONDS = 2.0


class RepoMapContext:
    def __init__(
        self,
        builder: MapBuilder | None,
        *,
        first_wait: float = FIRST_WAIT_SECONDS,
        refresh_wait: float = REFRESH_WAIT_SECONDS,
    ) -> None:
        self._builder = builder
        self._first_wait = first_wait
        self._refresh_wait = refresh_wait
        self._text = ""
        self._build: asyncio.Task[str] | None = None
        self._started = False

    @property
    def text(self) -> str:
        """What the system prompt carries now ("" before the map is ready, or when it is off)."""
        return self._text

    async def at_prompt(self, prompt: str) -> None:
        """At each prompt: the first one starts the build and waits for it a moment."""
        if self._builder is None or self._started:
            return
        self._started = True
        self._text = await self._wait(self._start(prompt), self._first_wait)

    async def refresh(self, prompt: str) -> None:
        """After compaction: the map as it is now (a build still running is the freshest one)."""
        if self._builder is None or not self._started:
            return
        build = self._build if self._build is not None and not self._build.done() else self._start(prompt)
        fresh = await self._wait(build, self._refresh_wait)
        if fresh or build.done():
            self._text = fresh

    def close(self) -> None:
        """Stops a build still running (its thread sees the flag between files)."""
        if self._build is not None and not self._build.done():
            self._build.cancel()

    def _start(self, prompt: str) -> asyncio.Task[str]:
        builder = self._builder
        assert builder is not None
        self._build = asyncio.create_task(run_stoppable(lambda flag: builder(prompt, flag)))
        self._build.add_done_callback(_quietly)
        return self._build

    async def _wait(self, build: asyncio.Task[str], seconds: float) -> str:
        """The build's map, or "" when it is not ready in `seconds` (it goes on) or failed."""
        try:
            return await asyncio.wait_for(asyncio.shield(build), seconds)
        except TimeoutError:
            return ""
        except (StoppedError, asyncio.CancelledError):
            if not build.cancelled():
                raise  # our own caller was cancelled, not the build
            return ""
        except Exception:
            log.exception("the repository map could not be built")
            return ""


def _quietly(build: asyncio.Task[str]) -> None:
    """A build nobody awaits any more must not log 'exception never retrieved'."""
    if not build.cancelled():
        with contextlib.suppress(Exception):
            build.exception()

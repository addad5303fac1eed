"""Runs one piece of agent work (a prompt, a /compact) and hands its events to the frontend.

The work runs as its own task and emits events; each is numbered (`seq` strictly increases over
the agent's life), shown to the observers (audit log, call views) and queued for the consumer,
which reads them as an async iterator. Whatever happens, the consumer's last event is a result:
work cancelled before it even started gets the fallback one. Changes made between runs (mode,
model) are announced to the observers only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence

from vibe.protocol import events as ev


class EventPump:
    def __init__(self, observers: Sequence[Callable[[ev.AgentEvent], None]]) -> None:
        self._observers = tuple(observers)
        self._seq = 0
        self._task: asyncio.Task[None] | None = None
        # Where events that happen on their own (an MCP server died) go: the running work's
        # stream, else `_idle` between runs, else held for the next run.
        self._emit: ev.Emit | None = None
        self._idle: Callable[[ev.AgentEvent], None] | None = None
        self._held: list[ev.AgentEvent] = []

    async def drive(
        self,
        work: Callable[[ev.Emit], Coroutine[None, None, None]],
        fallback: Callable[[], ev.Result],
    ) -> AsyncIterator[ev.AgentEvent]:
        queue: asyncio.Queue[ev.AgentEvent | None] = asyncio.Queue()

        def emit(event: ev.AgentEvent) -> None:
            queue.put_nowait(self._numbered(event))

        task = asyncio.create_task(work(emit))
        self._task = task
        self._emit = emit
        held, self._held = self._held, []
        for event in held:
            emit(event)
        task.add_done_callback(lambda _task: queue.put_nowait(None))
        result_seen = False
        try:
            while (event := await queue.get()) is not None:
                result_seen = result_seen or isinstance(event, ev.Result)
                yield event
            if not result_seen:  # cancelled before the task ever ran: the promise of a result holds
                yield self._numbered(fallback())
        finally:
            if not task.done():
                task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            self._task = None
            self._emit = None

    def announce(self, event: ev.AgentEvent) -> ev.AgentEvent:
        """Tells the observers of something that happened between runs (a mode or model switch)
        and returns it numbered, like any event, so `seq` still orders everything the agent
        said; not queued, because no run is being consumed: whoever asked for the change hands
        it on (the conversation service answers the operation with it)."""
        return self._numbered(event)

    def tell(self, event: ev.AgentEvent) -> None:
        """Something that happened on its own, not caused by the running work (an MCP server
        died): in the running work's stream if there is one, else to the idle listener
        (numbered), else held for the next run's stream."""
        if self._emit is not None:
            self._emit(event)
        elif self._idle is not None:
            self._idle(self._numbered(event))
        else:
            self._held.append(event)

    def between_runs(self, listener: Callable[[ev.AgentEvent], None] | None) -> None:
        """Who hears what `tell` says while no work runs; the events held so far go to it now."""
        self._idle = listener
        if listener is not None:
            held, self._held = self._held, []
            for event in held:
                listener(self._numbered(event))

    def cancel(self) -> None:
        """Ends the running work; its last event will be a result saying it was cancelled."""
        if self._task is not None and not self._task.done():
            self._task.cancel()

    def _numbered(self, event: ev.AgentEvent) -> ev.AgentEvent:
        self._seq += 1
        numbered = event.model_copy(update={"seq": self._seq})
        for observe in self._observers:
            observe(numbered)
        return numbered

"""What the terminal UI knows of its session, in one plain object the widgets observe.

The conversation (once open), whether a run is going, the prompts queued behind it, and the facts
the status line shows (model, mode, sandbox, context, cost, branch) live here and nowhere else.
The app, its commands and the event view change it through `update` and the queue methods; the
status line observes it, so a fact changed in one place is shown everywhere it appears. No
widget is imported here: this module is plain data.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine loads after the first frame
    from vibe.service.conversation import Conversation


@dataclass(frozen=True, slots=True)
class StatusFacts:
    model: str = "…"
    mode: str = "…"
    sandbox: str = "…"
    context_used: int = 0
    context_window: int | None = None
    cost_usd: float = 0.0
    branch: str | None = None
    busy: bool = False
    queued: int = 0


Observer = Callable[["TuiState"], None]


@dataclass(slots=True)
class TuiState:
    # Set once the first conversation is open; /new and /resume keep the same object.
    conversation: Conversation | None = None
    facts: StatusFacts = field(default_factory=StatusFacts)
    # Prompts typed while a run goes on, sent in order when it ends.
    queue: deque[str] = field(default_factory=deque[str])
    # What /status repeats of the session's start: the endpoint and the sandbox in full.
    endpoint: str = ""
    sandbox_summary: str = ""
    _observers: list[Observer] = field(default_factory=list[Observer])

    @property
    def busy(self) -> bool:
        return self.facts.busy

    def observe(self, observer: Observer) -> None:
        self._observers.append(observer)
        observer(self)

    def update(self, **changes: object) -> None:
        """Changes status facts (`StatusFacts` field names) and tells the observers."""
        self.facts = replace(self.facts, **changes)  # type: ignore[arg-type]
        self._changed()

    def enqueue(self, text: str) -> None:
        self.queue.append(text)
        self.update(queued=len(self.queue))

    def next_queued(self) -> str | None:
        if not self.queue:
            return None
        text = self.queue.popleft()
        self.update(queued=len(self.queue))
        return text

    def take_queue(self) -> list[str]:
        """Every queued prompt, oldest first; the queue is left empty."""
        taken = list(self.queue)
        self.queue.clear()
        self.update(queued=0)
        return taken

    def _changed(self) -> None:
        for observer in self._observers:
            observer(self)

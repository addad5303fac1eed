"""What the TUI needs from the process it runs in, as a port the composition root implements:
the folder's trust decision, the endpoint and settings it shows, and conversations.

A conversation is the service's (`vibe.service.Conversation`): the TUI submits operations to it
and shows the events it answers with, like every frontend. The TUI sits below
`vibe.composition` in the layers, so it cannot build the engine itself: the composition root
hands it a `BackendFactory` (see `vibe.composition.tui_cmd`). The app paints its first frame
before the engine is imported, so the service's types are named for the type checker only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vibe.service.conversation import Conversation

__all__ = [
    "Backend",
    "BackendError",
    "EndpointChoiceRequiredError",
    "LocalModel",
    "StartupError",
    "TrustQuestion",
]


class BackendError(Exception):
    """A user-facing failure (the folder could not be trusted): one sentence, shown as a notice."""


class StartupError(Exception):
    """The backend cannot be built (bad settings or flags): the app closes and the composition
    root prints this one line on stderr."""


@dataclass(frozen=True, slots=True)
class LocalModel:
    """A model a local server on this machine serves, offered when nothing else is configured."""

    server: str  # what usually listens on that port ("Ollama"), or "a server"
    base_url: str
    model: str


class EndpointChoiceRequiredError(StartupError):
    """No endpoint is configured, but local servers answer: the user picks one of `offers`
    (`choose` builds the backend for it, raising StartupError) or none (the app closes with
    this message). Nothing is sent to a local server before that choice."""

    def __init__(
        self, message: str, offers: list[LocalModel], choose: Callable[[LocalModel], Backend]
    ) -> None:
        super().__init__(message)
        self.offers = offers
        self.choose = choose


@dataclass(frozen=True, slots=True)
class TrustQuestion:
    """The repository's `.vibe/` asks for settings the user has not trusted (for this content)."""

    root: Path
    keys: tuple[str, ...]  # what it asks for, as `sandbox.use = "off"` lines
    changed: tuple[str, ...] = ()  # what changed since the folder was trusted, if it was


class Backend(Protocol):
    @property
    def trust_question(self) -> TrustQuestion | None:
        """Set when the folder needs the user's trust decision before the first conversation."""
        ...

    @property
    def trust_notice(self) -> str | None:
        """What to tell the user about the project's settings once that decision is made
        (ignored ones, or ones never taken from a project); None if nothing."""
        ...

    async def trust_project(self) -> None:
        """Trust the folder for its current content and load the settings that lets in."""
        ...

    @property
    def cwd(self) -> Path: ...

    @property
    def endpoint(self) -> str:
        """The chat-completions base URL in use (for /status)."""
        ...

    @property
    def notify_when_away(self) -> bool:
        """Whether to ring the terminal when a turn ends or needs the user while it is not
        in focus (`[tui] notify`)."""
        ...

    def conversation(self) -> Conversation:
        """A conversation not yet opened (`open()` opens what the command line asked for)."""
        ...

    async def aclose(self) -> None: ...


# Called once, in a worker thread, after the first frame: it imports and builds the engine.
# Raises StartupError.
BackendFactory = Callable[[], Backend]

"""What the TUI needs from the engine, as a port the composition root implements.

The TUI sits below `vibe.composition` in the layers, so it cannot build agents itself: the
composition root hands it a `BackendFactory` (see `vibe.composition.tui_cmd`). Everything here
is the engine's public vocabulary (Agent, Approver, SessionInfo), named for the type checker only:
the app paints its first frame before the engine is imported, so these imports must stay lazy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vibe.agent.approvals import Approver
    from vibe.agent.loop import Agent
    from vibe.sandbox.base import Sandbox
    from vibe.session.store import SessionInfo


class BackendError(Exception):
    """A user-facing failure (unknown session, unknown model): one sentence, shown as a notice."""


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
    def model_name(self) -> str:
        """The model in use, as /model names it (an alias, or a raw id)."""
        ...

    @property
    def notify_when_away(self) -> bool:
        """Whether to ring the terminal when a turn ends or needs the user while it is not
        in focus (`[tui] notify`)."""
        ...

    def model_names(self) -> list[str]:
        """For the /model picker: the start-up model (an alias or a raw id), then the other
        configured aliases."""
        ...

    async def open_agent(
        self, approver: Approver, *, resume: str | None = None, fresh: bool = False
    ) -> Agent:
        """The first call honours the command line (--continue / --resume); later calls start a
        fresh conversation (`fresh`) or resume the session with id `resume`. Raises BackendError."""
        ...

    def sessions(self) -> list[SessionInfo]:
        """This directory's saved sessions, newest first."""
        ...

    async def switch_model(self, agent: Agent, name: str) -> str:
        """Point `agent` at model alias or id `name` from its next request; returns the model id.
        Its context window is found as at start-up. Raises BackendError for a model that cannot
        be used."""
        ...

    def shell_sandbox(self, agent: Agent | None) -> Sandbox:
        """The sandbox `!command` runs in: the agent's own, so the user's commands are confined
        the same way the model's are."""
        ...

    async def aclose(self) -> None: ...


# Called once, in a worker thread, after the first frame: it imports and builds the engine.
# Raises StartupError.
BackendFactory = Callable[[], Backend]

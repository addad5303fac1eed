"""What the editor frontend needs from the engine, as a port the composition root implements.

`vibe.acp` sits below `vibe.composition` and must not build engines itself; it also must not
import the engine at start-up, so that `initialize` is answered before the engine has loaded.
Everything engine-side therefore arrives through this small interface.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vibe.agent.approvals import Approver
    from vibe.agent.loop import Agent
    from vibe.tools.fs import FileSystem


class EngineUnavailableError(Exception):
    """The engine cannot run: no API key, a bad config file, an unknown session. One sentence."""

    def __init__(self, message: str, *, auth: bool = False, not_found: bool = False) -> None:
        super().__init__(message)
        self.auth = auth
        self.not_found = not_found


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """A model the user can pick: the alias from config (or raw id) and what it resolves to."""

    name: str
    model_id: str
    provider: str


class Backend(Protocol):
    def start_loading(self) -> None:
        """Begin loading the engine in the background (after `initialize` has been answered)."""
        ...

    async def check(self, cwd: Path | None = None) -> None:
        """Waits for the engine for `cwd` (default: where vibe started); raises
        EngineUnavailableError with one clear sentence when it cannot run."""
        ...

    def auth_hint(self) -> str:
        """How to provide the key, e.g. "set MISTRAL_API_KEY in the editor's environment"."""
        ...

    def models(self, cwd: Path) -> list[ModelChoice]:
        """The configured models, the current default first. Only after `check(cwd)`."""
        ...

    async def open_agent(
        self, cwd: Path, approver: Approver, fs: FileSystem, resume: str | None = None
    ) -> Agent:
        """A new conversation in `cwd`, or the saved session `resume`; EngineUnavailableError
        (not_found) for an unknown session id."""
        ...

    def trust_notice(self, cwd: Path) -> str | None:
        """What the user should know about the project's `.vibe/` settings (ignored because the
        folder is not trusted, or never taken from a project); None if nothing. After `check(cwd)`."""
        ...

    async def trust(self, cwd: Path) -> str:
        """`/trust`: trust the project folder of `cwd` for its current content; a sentence
        saying what was trusted. Sessions opened from now on load its settings."""
        ...

    async def switch_model(self, agent: Agent, cwd: Path, name: str) -> None:
        """Use the model `name` (one of `models(cwd)`) from the agent's next request on."""
        ...

    async def aclose(self) -> None: ...

"""What the editor frontend needs from the process it runs in, as a port the composition root
implements: loading the engine per project folder, the key, the folder's trust, and conversations.

A conversation is the service's (`vibe.service.Conversation`): editor mode submits operations to
it and forwards the events it answers with, like every frontend. `vibe.acp` sits below
`vibe.composition` and must not build engines itself; it also must not import the engine at
start-up, so that `initialize` is answered before the engine has loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from vibe.service.conversation import Conversation
    from vibe.tools.fs import FileSystem

__all__ = ["EngineUnavailableError"]


class EngineUnavailableError(Exception):
    """The engine cannot run: no API key, a bad config file, an unknown session. One sentence."""

    def __init__(self, message: str, *, auth: bool = False, not_found: bool = False) -> None:
        super().__init__(message)
        self.auth = auth
        self.not_found = not_found


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

    def conversation(self, cwd: Path, fs: FileSystem) -> Conversation:
        """A conversation in `cwd` (not yet opened), its files read and written through `fs`.
        Only after `check(cwd)`."""
        ...

    def trust_notice(self, cwd: Path) -> str | None:
        """What the user should know about the project's `.vibe/` settings (ignored because the
        folder is not trusted, or never taken from a project); None if nothing. After `check(cwd)`."""
        ...

    async def trust(self, cwd: Path) -> str:
        """`/trust`: trust the project folder of `cwd` for its current content; a sentence
        saying what was trusted. Sessions opened from now on load its settings."""
        ...

    async def aclose(self) -> None: ...

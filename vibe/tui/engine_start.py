"""The engine's start behind the first frame: its port (`Backend`) built in a worker thread, a
local server chosen when nothing is configured, and the folder's trust settled, before the
first conversation opens.

Engine modules are imported only here, once the frame is out, so the TUI starts with textual
and its own widgets alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from vibe.tui.backend import Backend, BackendError, BackendFactory, EndpointChoiceRequiredError, StartupError

if TYPE_CHECKING:
    from textual.app import App

    from vibe.tui.attention import Attention
    from vibe.tui.state import TuiState
    from vibe.tui.transcript import Transcript

__all__ = ["EngineStart"]


class EngineStart:
    def __init__(
        self,
        app: App[Any],
        factory: BackendFactory,
        parts: tuple[Transcript, TuiState, Attention],
        *,
        opened: Callable[[], object],
        failed: Callable[[str], None],
    ) -> None:
        """`opened` opens the first conversation once the engine is there and the folder's trust
        settled; `failed` is told why the engine could not start."""
        self._app = app
        self._factory = factory
        self._transcript, self._state, self._attention = parts
        self._opened = opened
        self._failed = failed
        self.backend: Backend | None = None
        self.ready = asyncio.Event()

    def start(self, factory: BackendFactory | None = None) -> None:
        build = partial(self._build, factory or self._factory)
        self._app.run_worker(build, thread=True, exclusive=True, group="backend")

    def _build(self, factory: BackendFactory) -> None:
        try:
            backend = factory()
        except EndpointChoiceRequiredError as exc:
            self._app.call_from_thread(self._choose_endpoint, exc)
            return
        except StartupError as exc:
            self._app.call_from_thread(self._failed, str(exc))
            return
        self._app.call_from_thread(self._built, backend)

    def _choose_endpoint(self, needed: EndpointChoiceRequiredError) -> None:
        self._app.run_worker(self._pick_endpoint(needed), exclusive=True, group="endpoint")

    async def _pick_endpoint(self, needed: EndpointChoiceRequiredError) -> None:
        """Nothing configured, local servers found: the user picks one (`vibe.tui.local_picker`)
        or quits; nothing is sent to a local server unchosen."""
        from vibe.tui.local_picker import LocalModelScreen

        offer = await self._app.push_screen_wait(LocalModelScreen(needed.offers))
        if offer is None:
            self._failed(str(needed))
            return
        self.start(lambda: needed.choose(offer))

    def _built(self, backend: Backend) -> None:
        self.backend = backend
        self._state.endpoint = backend.endpoint
        self._attention.enabled = backend.notify_when_away
        self.ready.set()
        self._app.run_worker(self._settle_trust(backend), exclusive=True, group="trust", exit_on_error=False)

    async def _settle_trust(self, backend: Backend) -> None:
        """Before the first conversation: the user's decision on a folder whose .vibe/ asks for
        settings that need trust, then one notice about what stays ignored."""
        question = backend.trust_question
        if question is not None:
            from vibe.tui.trust import TrustScreen

            if await self._app.push_screen_wait(TrustScreen(question)):
                try:
                    await backend.trust_project()
                except BackendError as exc:
                    await self._transcript.notice(f"✗ {exc}", "error")
        notice = backend.trust_notice
        if notice:
            await self._transcript.notice(f"⚠ {notice}", "warn")
        self._opened()

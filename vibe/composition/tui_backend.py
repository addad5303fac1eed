"""The TUI's `Backend` over the engine. Imported only from the app's start-up worker thread,
after the first frame is on screen: loading the engine (pydantic, httpx, tools) is most of the
launch time, and the user can already type meanwhile."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Mapping
from pathlib import Path

from vibe.composition.conversation_host import EngineHost
from vibe.composition.engine import Engine
from vibe.composition.flags import settings_flags
from vibe.composition.local_servers import LocalChoiceRequiredError, LocalPick
from vibe.composition.run_options import RunOptions
from vibe.composition.tui_endpoint import load_engine, offers
from vibe.config.settings import ConfigError
from vibe.service.conversation import Conversation
from vibe.tui.backend import (
    BackendError,
    EndpointChoiceRequiredError,
    LocalModel,
    StartupError,
    TrustQuestion,
)

HOW_TO_TRUST = "Run `vibe trust` (or restart vibe and answer the prompt) to trust this folder."


class EngineBackend:
    """The TUI's view of the engine: the folder's trust, its settings, and conversations."""

    def __init__(
        self,
        engine: Engine,
        options: RunOptions,
        env: Mapping[str, str],
        base_url_flag: str | None,
        flags: Mapping[str, object],
        local_pick: LocalPick | None = None,
    ) -> None:
        self._engine = engine
        # The local server's model the user chose (--local or the picker), kept across reloads.
        self._local_pick = local_pick
        self._flags = flags
        self._options = options
        self._env = env
        self._base_url_flag = base_url_flag

    @property
    def cwd(self) -> Path:
        return self._options.cwd

    @property
    def trust_question(self) -> TrustQuestion | None:
        trust = self._engine.config.trust
        if not trust.needs_decision:
            return None
        return TrustQuestion(root=trust.root, keys=trust.ignored, changed=trust.changed)

    @property
    def trust_notice(self) -> str | None:
        return self._engine.config.trust.notice(HOW_TO_TRUST)

    async def trust_project(self) -> None:
        from vibe.composition.trust_cmd import trust_folder

        try:
            await asyncio.to_thread(trust_folder, self.cwd, self._env)
            engine, _ = await asyncio.to_thread(
                load_engine, self.cwd, self._env, self._flags, self._base_url_flag, self._local_pick, None
            )
        except (ConfigError, OSError) as exc:
            raise BackendError(f"could not trust {self.cwd}: {exc}") from exc
        await self._engine.aclose()
        self._engine = engine

    @property
    def endpoint(self) -> str:
        return self._engine.resolved.base_url

    @property
    def notify_when_away(self) -> bool:
        return self._engine.settings.tui.notify

    def conversation(self) -> Conversation:
        # The engine is read at each use: trusting the folder replaces it with one that has the
        # settings trust lets in.
        host = EngineHost(
            lambda: self._engine,
            self._options,
            base_url_flag=self._base_url_flag,
            local_server=self._local_pick.base_url if self._local_pick else None,
        )
        return Conversation(host)

    async def aclose(self) -> None:
        await self._engine.aclose()


def build_backend(
    args: argparse.Namespace, env: Mapping[str, str], cwd: Path, pick: LocalPick | None = None
) -> EngineBackend:
    """Raises StartupError (one sentence) for bad settings or flags, EndpointChoiceRequiredError when
    the user has to pick a local server's model first."""
    try:
        return _build_backend(args, env, cwd, pick)
    except LocalChoiceRequiredError as exc:
        offered = offers(exc.servers)
        if not offered:
            raise StartupError(str(exc)) from exc

        def choose(offer: LocalModel) -> EngineBackend:
            return build_backend(args, env, cwd, LocalPick(offer.base_url, offer.model))

        raise EndpointChoiceRequiredError(str(exc), offered, choose) from exc
    except ConfigError as exc:
        raise StartupError(str(exc)) from exc


def _build_backend(
    args: argparse.Namespace, env: Mapping[str, str], cwd: Path, pick: LocalPick | None
) -> EngineBackend:
    options = RunOptions(
        frontend="terminal",
        cwd=cwd.resolve(),
        extra_roots=tuple(getattr(args, "add_dir", None) or ()),
        auto_approve=bool(getattr(args, "auto_approve", False)),
        continue_session=bool(getattr(args, "continue_session", False)),
        resume=getattr(args, "resume", None),
    )
    for extra in options.extra_roots:
        if not extra.is_dir():
            raise ConfigError(f"--add-dir {extra}: no such folder")
    base_url = getattr(args, "base_url", None)
    flags = settings_flags(args)
    local = pick or getattr(args, "local", None)
    engine, pick = load_engine(options.cwd, env, flags, base_url, local, getattr(args, "model", None))
    return EngineBackend(engine, options, env, base_url, flags, pick)

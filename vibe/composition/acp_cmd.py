"""`vibe acp`: editor mode. Wires the ACP frontend to engines built here, one per project folder.

Start-up order matters to the editor, which waits for `initialize`: this module imports the
SDK (fast path, see `vibe.acp.sdk`) and serves at once; the engine's modules and settings load
in a worker thread once `initialize` has been answered.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from vibe import startup_gc
from vibe.config.paths import cache_dir, logs_dir, vibe_home

if TYPE_CHECKING:
    from vibe.composition.engine import Engine
    from vibe.config.loader import LoadedConfig, ResolvedModel
    from vibe.service.conversation import Conversation
    from vibe.tools.fs import FileSystem

__all__ = ["main"]

log = logging.getLogger("vibe.acp")


def _log_everything_to_file(home: Path) -> None:
    """The SDK logs through the root logger; those lines belong in vibe's log file too.

    (vibe's own logger gets its handler from `setup_logging` when the engine loads.)
    """
    try:
        folder = logs_dir(home)
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "vibe.log", encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.WARNING)  # libraries' warnings and errors; their chatter stays out
    logging.getLogger("vibe").setLevel(logging.INFO)


def _folder(cwd: Path) -> Path:
    """The key engines are kept under: one per real folder."""
    return cwd.resolve()


def _missing_key(message: str) -> bool:
    return message.startswith("no API key")


def _load_config(cwd: Path, env: Mapping[str, str]) -> tuple[LoadedConfig, ResolvedModel]:
    """Runs in a worker thread: the engine's imports and the config files (the slow part)."""
    from vibe.acp.backend import EngineUnavailableError

    # The heavy imports, here, off the event loop: the engine, and what session/new adds to it
    # (the conversation service and the editor session), so session/new does not wait for them.
    for module in ("vibe.composition.engine", "vibe.composition.conversation_host", "vibe.acp.session"):
        importlib.import_module(module)
    from vibe.config.loader import load_config, resolve_model
    from vibe.config.settings import ConfigError

    try:
        config = load_config(cwd, env, {})
    except ConfigError as exc:
        raise EngineUnavailableError(str(exc)) from None
    try:
        resolved = resolve_model(config.settings, env, None)
    except ConfigError as exc:
        raise EngineUnavailableError(str(exc), auth=_missing_key(str(exc))) from None
    return config, resolved


HOW_TO_TRUST = "Review them, then send /trust to trust this folder for its current content."


class EngineBackend:
    """`vibe.acp.backend.Backend` on top of `Engine`: one engine per session folder, because
    each project may have its own `.vibe/config.toml`."""

    def __init__(self, env: Mapping[str, str], cwd: Path) -> None:
        self._env = env
        self._cwd = cwd.resolve()
        self._engines: dict[Path, asyncio.Task[Engine]] = {}
        self._retired: list[Engine] = []
        self._logging_ready = False
        self._schema_builder: subprocess.Popen[bytes] | None = None

    def start_loading(self) -> None:
        self._engine_task(self._cwd)
        if self._schema_builder is None:
            from vibe.acp.schema_cache import start_build

            # Next start's `initialize` is faster; built on the other core, off our GIL.
            self._schema_builder = start_build(cache_dir(self._env))

    async def check(self, cwd: Path | None = None) -> None:
        await self._engine(_folder(cwd or self._cwd))

    def auth_hint(self) -> str:
        return (
            "vibe reads the API key from its environment: start the editor (or set its agent "
            "environment) with MISTRAL_API_KEY, or your provider's key variable from config.toml; "
            "self-hosted endpoints (VIBE_BASE_URL) need no key"
        )

    def conversation(self, cwd: Path, fs: FileSystem) -> Conversation:
        from vibe.composition.conversation_host import EngineHost
        from vibe.composition.run_options import RunOptions
        from vibe.service.conversation import Conversation

        engine = self._engine_task(_folder(cwd)).result()
        options = RunOptions(
            cwd=_folder(cwd),
            restore_mode=True,
            fork_if_busy=False,
            frontend="editor",
            mcp_with_frontends=True,
        )
        return Conversation(EngineHost(lambda: engine, options, fs=fs))

    def trust_notice(self, cwd: Path) -> str | None:
        engine = self._engine_task(_folder(cwd)).result()
        return engine.config.trust.notice(HOW_TO_TRUST)

    async def trust(self, cwd: Path) -> str:
        from vibe.composition.trust_cmd import trust_folder

        folder = _folder(cwd)
        engine = await self._engine(folder)
        message = await asyncio.to_thread(trust_folder, folder, self._env)
        # The next session here (and a reopened one) loads the settings the trust lets in; the
        # old engine's client may still serve open sessions, so it is closed at the end.
        self._engines.pop(folder, None)
        self._retired.append(engine)
        return message

    async def aclose(self) -> None:
        for task in self._engines.values():
            if task.done() and not task.cancelled() and task.exception() is None:
                await task.result().aclose()
            else:
                task.cancel()
        for engine in self._retired:
            await engine.aclose()
        builder = self._schema_builder
        if builder is not None and builder.poll() is None:
            # Let it finish (under a second) or a short session would never leave a copy
            # behind; stopped after a while, it leaves nothing half-written.
            try:
                await asyncio.to_thread(builder.wait, 5)
            except subprocess.TimeoutExpired:
                builder.terminate()
                await asyncio.to_thread(builder.wait)

    def _engine_task(self, cwd: Path) -> asyncio.Task[Engine]:
        task = self._engines.get(cwd)
        if task is None:
            task = asyncio.create_task(self._build(cwd))
            self._engines[cwd] = task
        return task

    async def _engine(self, cwd: Path) -> Engine:
        task = self._engine_task(cwd)
        try:
            return await asyncio.shield(task)
        except Exception:
            # Not kept: the user may fix the config file and try again without restarting.
            if self._engines.get(cwd) is task:
                del self._engines[cwd]
            raise

    async def _build(self, cwd: Path) -> Engine:
        try:
            config, resolved = await asyncio.to_thread(_load_config, cwd, self._env)
        finally:
            startup_gc.resume()
        from vibe.composition.engine import Engine, build_client, redactor
        from vibe.composition.logging_setup import setup_logging

        if not self._logging_ready:
            setup_logging(vibe_home(self._env), redactor(config.settings, self._env, resolved.api_key))
            self._logging_ready = True
        return Engine(config, resolved, self._env, build_client(config.settings, resolved))


def main(env: dict[str, str], cwd: Path) -> int:
    """Serve ACP on stdin/stdout until the editor closes the connection. Stdout carries only
    protocol messages; logs go to $VIBE_HOME/logs/vibe.log."""
    problem = _stdio_problem()
    if problem is not None:
        print(f"vibe acp: {problem}", file=sys.stderr)
        return 2
    _log_everything_to_file(vibe_home(env))
    try:
        asyncio.run(_serve(env, cwd))
    except KeyboardInterrupt:
        return 130
    return 0


def _stdio_problem() -> str | None:
    """ACP runs over pipes from an editor (or a terminal, typed by hand); /dev/null or a file
    would otherwise hang at start or fail with a traceback."""
    for name, fd in (("stdin", 0), ("stdout", 1)):
        try:
            mode = os.fstat(fd).st_mode
        except OSError:
            return f"{name} is closed; start vibe acp from your editor"
        if not (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or os.isatty(fd)):
            return (
                f"{name} must be a pipe from an editor (or a terminal), not a file or /dev/null; "
                "configure your editor to run `vibe acp` (see the README)"
            )
    return None


async def _serve(env: Mapping[str, str], cwd: Path) -> None:
    from vibe.acp.sdk import load_sdk

    load_sdk(cache_dir(env))
    from vibe.acp.server import serve

    backend = EngineBackend(env, cwd)
    try:
        await serve(backend)
    finally:
        await backend.aclose()

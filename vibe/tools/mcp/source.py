"""One configured MCP server as a tool source: started in the background with the conversation,
its tools registered when it has listed them, stopped with the conversation.

The `mcp` SDK is loaded only when a server starts (this module only imports it in functions), and
in a thread while the sandbox is probed and the server spawned: loading it costs about a second,
which overlaps the server's own start-up instead of adding to it. The server's whole life
(transport, session) runs in one task of its own, because the SDK's transports must be entered
and left by the same task; calls from the agent's tasks go through the session it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import anyio

from vibe.config.mcp_servers import McpServer
from vibe.tools.base import ToolRegistry, ToolSource
from vibe.tools.mcp.schema import UnusableToolError, normalise_schema, tool_name
from vibe.tools.mcp.stdio_transport import ConfinedLaunch, confined_stdio
from vibe.tools.mcp.tool import McpCallError, McpTool
from vibe.unicode_text import scrub

if TYPE_CHECKING:
    import mcp_types
    from mcp import ClientSession
    from mcp.client._transport import TransportStreams

__all__ = ["McpSource", "ServerStatus"]

log = logging.getLogger("vibe.tools.mcp")

ServerState = Literal["configured", "starting", "ready", "failed", "stopped"]
# More tools than this from one server are left out: each costs tokens on every request.
MAX_TOOLS_PER_SERVER = 128
_MAX_LIST_PAGES = 16
# Seconds a stopping server's task gets to leave its session cleanly before it is cancelled.
_STOP_SECONDS = 10.0
_ERROR_CHARS = 300


@dataclass(slots=True)
class ServerStatus:
    """What `vibe mcp list` and notices report about one server."""

    name: str
    transport: str
    state: ServerState = "configured"
    error: str | None = None
    tools: list[str] = field(default_factory=list[str])
    # Tools the server offers that vibe left out, each with why.
    skipped: list[str] = field(default_factory=list[str])
    # How the server is confined, as one sentence.
    confinement: str = ""


class McpSource(ToolSource):
    def __init__(
        self,
        name: str,
        server: McpServer,
        *,
        state_dir: Path,
        spawn: Callable[[], ConfinedLaunch] | None = None,
        default_timeout: float | None = None,
    ) -> None:
        """`spawn` (stdio servers): builds the confined spawn and describes the confinement; it
        probes the sandbox, so it runs in a thread of the server's own task, never at start-up."""
        self.name = name
        self.server = server
        self.status = ServerStatus(name, server.transport)
        self._state_dir = state_dir
        self._spawn = spawn
        self._timeout = server.tool_timeout or default_timeout
        self._session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._registered: list[str] = []

    async def start(self, registry: ToolRegistry) -> None:
        self.status.state = "starting"
        self._task = asyncio.create_task(self._run(registry), name=f"mcp server {self.name}")

    async def settled(self) -> None:
        await self._ready.wait()

    def failure(self) -> str | None:
        if self.status.state != "failed":
            return None
        return f"MCP server {self.name!r} is not available: {self.status.error}"

    async def aclose(self) -> None:
        self._stop.set()
        task = self._task
        if task is None:
            return
        if self.status.state == "starting":
            task.cancel()  # nothing to leave cleanly: the handshake is not done
        done, _pending = await asyncio.wait({task}, timeout=_STOP_SECONDS)
        if not done:
            task.cancel()
            await asyncio.wait({task})

    async def _run(self, registry: ToolRegistry) -> None:
        sdk = asyncio.ensure_future(asyncio.to_thread(_load_sdk, http=self._spawn is None))
        # Consumed here, so that a failure before it is awaited is not reported as unretrieved.
        sdk.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            async with self._transport(sdk) as (read, write):
                from mcp import ClientSession

                async with ClientSession(read, write) as session:
                    await self._serve(registry, session)
        except Exception as exc:  # whatever the server did, the conversation goes on without it
            self._fail(_describe(exc, self.server.startup_timeout) + self._last_words())
        finally:
            self._session = None
            for name in self._registered:
                registry.unregister(name)
            self._registered.clear()
            if self.status.state != "failed":
                self.status.state = "stopped"
            self._ready.set()

    async def _serve(self, registry: ToolRegistry, session: ClientSession) -> None:
        """Lists the tools, registers them, and holds the session until the source stops."""
        with anyio.fail_after(self.server.startup_timeout):
            await session.initialize()
            tools = await _list_tools(session)
        self._session = session
        self._register(registry, tools)
        self.status.state = "ready"
        self._ready.set()
        await self._stop.wait()

    def _last_words(self) -> str:
        """The last line the server wrote to stderr (why it died, usually), when it wrote one."""
        if self._spawn is None:
            return ""
        try:
            with (self._state_dir / "stderr.log").open("rb") as errors:
                errors.seek(0, 2)
                errors.seek(max(0, errors.tell() - 2000))
                lines = errors.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return f"; it said: {scrub(lines[-1])[:_ERROR_CHARS]}" if lines else ""

    def _fail(self, error: str) -> None:
        self.status.state = "failed"
        self.status.error = error
        log.warning("MCP server %s: %s", self.name, error)

    @contextlib.asynccontextmanager
    async def _transport(self, sdk: asyncio.Future[None]) -> AsyncGenerator[TransportStreams, None]:
        if self._spawn is not None:
            launch = await asyncio.to_thread(self._spawn)
            self.status.confinement = launch.confinement
            async with confined_stdio(launch.spec, self._state_dir / "stderr.log", sdk) as streams:
                yield streams
            return
        await sdk
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        assert self.server.url is not None
        self.status.confinement = "a remote server: vibe's sandbox does not apply to it"
        timeout = httpx2.Timeout(30.0, read=self._timeout or 300.0)
        async with (
            httpx2.AsyncClient(headers=self.server.headers, timeout=timeout) as client,
            streamable_http_client(self.server.url, http_client=client) as streams,
        ):
            yield streams

    def _register(self, registry: ToolRegistry, tools: list[mcp_types.Tool]) -> None:
        trusting = self.server.trust_annotations
        for offered in tools:
            if not self.server.offers(offered.name):
                continue
            if len(self._registered) >= MAX_TOOLS_PER_SERVER:
                self.status.skipped.append(f"{len(tools)} tools offered; only {MAX_TOOLS_PER_SERVER} kept")
                break
            try:
                name = tool_name(self.name, offered.name)
                schema = normalise_schema(offered.input_schema)
            except UnusableToolError as exc:
                self.status.skipped.append(str(exc))
                continue
            if registry.get(name) is not None:
                self.status.skipped.append(f"tool {offered.name!r}: {name} is already taken")
                continue
            hints = offered.annotations
            registry.register(
                McpTool(
                    name=name,
                    server=self.name,
                    remote_name=offered.name,
                    description=offered.description or offered.title or "",
                    schema=schema,
                    trusted_read_only=trusting and hints is not None and hints.read_only_hint is True,
                    timeout=self._timeout,
                    call=self._call,
                )
            )
            self._registered.append(name)
        self.status.tools = list(self._registered)

    async def _call(self, remote_name: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        session = self._session
        if session is None:
            raise McpCallError(f"the server is {self.status.state}" + _because(self.status.error))
        from vibe.tools.mcp.results import result_text

        try:
            result = await session.call_tool(remote_name, arguments, read_timeout_seconds=self._timeout)
        except Exception as exc:
            raise McpCallError(_describe(exc, self._timeout)) from exc
        return result_text(result), bool(result.is_error)


_SDK_MODULES = ("mcp.client.session", "mcp.shared.message", "mcp_types", "vibe.tools.mcp.results")
_HTTP_MODULES = ("httpx2", "mcp.client.streamable_http")


def _load_sdk(*, http: bool) -> None:
    """Imports what a server's session needs (run in a thread: it takes about a second)."""
    for module in (*_SDK_MODULES, *(_HTTP_MODULES if http else ())):
        importlib.import_module(module)


async def _list_tools(session: ClientSession) -> list[mcp_types.Tool]:
    import mcp_types

    tools: list[mcp_types.Tool] = []
    cursor: str | None = None
    for _page in range(_MAX_LIST_PAGES):
        params = mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None
        listed = await session.list_tools(params=params)
        tools.extend(listed.tools)
        cursor = listed.next_cursor
        if not cursor or len(tools) > MAX_TOOLS_PER_SERVER:
            break
    return tools


def _describe(exc: BaseException, timeout: float | None) -> str:
    if isinstance(exc, TimeoutError):
        return f"no answer within {timeout:g} seconds" if timeout else "timed out"
    if isinstance(exc, BaseExceptionGroup):
        inner = cast(BaseExceptionGroup[BaseException], exc).exceptions
        return _describe(inner[0], timeout) if inner else "failed"

    if isinstance(exc, FileNotFoundError):
        return f"cannot run {exc.filename}: not found"
    text = scrub(str(exc).strip()) or type(exc).__name__
    return text if len(text) <= _ERROR_CHARS else text[: _ERROR_CHARS - 1] + "…"


def _because(error: str | None) -> str:
    return f" ({error})" if error else ""

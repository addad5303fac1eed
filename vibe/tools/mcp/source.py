"""One configured MCP server as a tool source: started in the background with the conversation,
its tools registered when it has listed them (and its prompts kept, for the service to offer as
slash commands), stopped with the conversation.

The `mcp` SDK is loaded only when a server starts (this module only imports it in functions), and
in a thread while the sandbox is probed and the server spawned: loading it costs about a second,
which overlaps the server's own start-up instead of adding to it. The server's whole life
(transport, session) runs in one task of its own, because the SDK's transports must be entered
and left by the same task; calls from the agent's tasks go through the session it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import anyio

from vibe.config.mcp_servers import McpServer
from vibe.tools.base import ToolError, ToolRegistry, ToolSource
from vibe.tools.mcp.http_transport import remote_streams
from vibe.tools.mcp.schema import UnusableToolError, normalise_schema, tool_name
from vibe.tools.mcp.sdk_loader import load_sdk
from vibe.tools.mcp.stdio_transport import ConfinedLaunch, confined_stdio
from vibe.tools.mcp.tool import McpCallError, McpTool
from vibe.tools.source_prompts import PromptArgument, SourcePrompt
from vibe.tools.source_status import ServerStatus, SourceNotice
from vibe.unicode_text import scrub

if TYPE_CHECKING:
    import mcp_types
    from mcp.client._transport import TransportStreams
    from mcp.client.session import ClientSession

__all__ = ["McpSource", "ServerStatus"]

log = logging.getLogger("vibe.tools.mcp")

# More tools than this from one server are left out: each costs tokens on every request.
MAX_TOOLS_PER_SERVER = 128
# Prompts cost nothing per request, but each is a slash command in completion and /help.
MAX_PROMPTS_PER_SERVER = 128
_MAX_LIST_PAGES = 16
# One item of a paginated MCP listing (a tool, a prompt).
_Item = TypeVar("_Item")
# A prompt's argument names are shown in usage hints and messages: printable words only.
_ARGUMENT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# Seconds a stopping server's task gets to leave its session cleanly before it is cancelled.
_STOP_SECONDS = 10.0
_ERROR_CHARS = 300


class McpSource(ToolSource):
    def __init__(
        self,
        name: str,
        server: McpServer,
        *,
        state_dir: Path,
        spawn: Callable[[], ConfinedLaunch] | None = None,
        default_timeout: float | None = None,
        origin: str = "config",
    ) -> None:
        """`spawn` (stdio servers): builds the confined spawn and describes the confinement; it
        probes the sandbox, so it runs in a thread of the server's own task, never at start-up."""
        self.name = name
        self.server = server
        self._status = ServerStatus(name, server.transport, origin=origin)
        self._state_dir = state_dir
        self._spawn = spawn
        self._timeout = server.tool_timeout or default_timeout
        self._session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._stop = asyncio.Event()
        # Set when a stdio server's output ends: it exited (or closed its stdout) on its own.
        self._gone = asyncio.Event()
        self._registered: list[str] = []
        self._prompts: list[SourcePrompt] = []
        self._registry: ToolRegistry | None = None

    def status(self) -> ServerStatus:
        return self._status

    async def start(self, registry: ToolRegistry) -> None:
        self._registry = registry
        self._status.state = "starting"
        self._task = asyncio.create_task(self._run(registry), name=f"mcp server {self.name}")

    async def restart(self) -> None:
        """Stops the server (if it runs) and starts it again; `settled` waits for the new start."""
        registry = self._registry
        if registry is None:
            raise RuntimeError(f"MCP server {self.name!r} was never started")
        await self.aclose()
        self._ready, self._stop, self._gone = asyncio.Event(), asyncio.Event(), asyncio.Event()
        self._status = ServerStatus(self.name, self.server.transport, origin=self._status.origin)
        await self.start(registry)

    async def settled(self) -> None:
        await self._ready.wait()

    def prompts(self) -> list[SourcePrompt]:
        return list(self._prompts)

    async def get_prompt(self, name: str, arguments: dict[str, str]) -> str:
        session = self._session
        if session is None:
            raise ToolError(
                f"MCP server {self.name!r} is {self._status.state}" + _because(self._status.error)
            )
        from vibe.tools.mcp.results import prompt_text

        try:
            with anyio.fail_after(self._timeout):
                result = await session.get_prompt(name, arguments)
        except Exception as exc:
            raise ToolError(
                f"MCP server {self.name!r} did not give the prompt {name!r}: {_describe(exc, self._timeout)}"
            ) from exc
        return prompt_text(result)

    def failure(self) -> str | None:
        if self._status.state != "failed":
            return None
        return f"MCP server {self.name!r} is not available: {self._status.error}"

    async def aclose(self) -> None:
        self._stop.set()
        task = self._task
        if task is None:
            return
        if self._status.state == "starting":
            task.cancel()  # nothing to leave cleanly: the handshake is not done
        done, _pending = await asyncio.wait({task}, timeout=_STOP_SECONDS)
        if not done:
            task.cancel()
            await asyncio.wait({task})

    async def _run(self, registry: ToolRegistry) -> None:
        sdk = asyncio.ensure_future(asyncio.to_thread(load_sdk, http=self._spawn is None))
        # Consumed here, so that a failure before it is awaited is not reported as unretrieved.
        sdk.add_done_callback(lambda done: done.cancelled() or done.exception())
        kinds = ["http", "sse"] if self.server.falls_back_to_sse else [self.server.transport]
        refused: str | None = None  # why streamable HTTP did not work, when falling back
        try:
            for kind in kinds:
                self._status.transport = kind
                try:
                    async with self._transport(sdk, kind) as (read, write):
                        from mcp.client.session import ClientSession

                        async with ClientSession(read, write) as session:
                            await self._serve(registry, session)
                    break
                except Exception as exc:
                    # Falling back only when the server answered but refused streamable HTTP
                    # (one that cannot be reached or does not answer would only fail twice).
                    if kind == kinds[-1] or self._status.state == "ready" or not _refused(exc):
                        raise
                    refused = _describe(exc, self.server.startup_timeout)
                    log.info("MCP server %s: streamable HTTP refused (%s); trying SSE", self.name, refused)
        except Exception as exc:  # whatever the server did, the conversation goes on without it
            error = _describe(exc, self.server.startup_timeout) + self._last_words()
            if refused is not None:
                error = f"streamable HTTP: {refused}; HTTP+SSE: {error}"
            self._fail(error)
        finally:
            self._session = None
            self._prompts = []
            for name in self._registered:
                registry.unregister(name)
            self._registered.clear()
            if self._status.state != "failed":
                self._status.state = "stopped"
            self._ready.set()

    async def _serve(self, registry: ToolRegistry, session: ClientSession) -> None:
        """Lists the tools, registers them, and holds the session until the source stops."""
        with anyio.fail_after(self.server.startup_timeout):
            started = await session.initialize()
            tools = await _list_tools(session)
            offered = await _list_prompts(session) if started.capabilities.prompts is not None else []
        self._session = session
        self._register(registry, tools)
        self._keep_prompts(offered)
        self._status.state = "ready"
        self._ready.set()
        stopping = asyncio.ensure_future(self._stop.wait())
        gone = asyncio.ensure_future(self._gone.wait())
        try:
            await asyncio.wait({stopping, gone}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            gone.cancel()
        if not self._stop.is_set():
            raise ServerExitedError("it exited")

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
        was_ready = self._status.state == "ready"
        self._status.state = "failed"
        self._status.error = error
        log.warning("MCP server %s: %s", self.name, error)
        if was_ready:
            message = (
                f"MCP server {self.name!r} stopped: {error}; "
                f"its tools are gone until /mcp restart {self.name}"
            )
        else:
            message = f"MCP server {self.name!r} is not available: {error}"
        if self._registry is not None:
            self._registry.notify(SourceNotice(self.name, "failed", message))

    @contextlib.asynccontextmanager
    async def _transport(
        self, sdk: asyncio.Future[None], kind: str
    ) -> AsyncGenerator[TransportStreams, None]:
        if self._spawn is not None:
            launch = await asyncio.to_thread(self._spawn)
            self._status.confinement = launch.confinement
            errors = self._state_dir / "stderr.log"
            async with confined_stdio(launch.spec, errors, sdk, self._gone) as streams:
                yield streams
            return
        await sdk
        assert self.server.url is not None
        self._status.confinement = "a remote server: vibe's sandbox does not apply to it"
        remote: Literal["http", "sse"] = "sse" if kind == "sse" else "http"
        read_timeout = self._timeout or 300.0
        async with remote_streams(self.server.url, self.server.headers, remote, read_timeout) as streams:
            yield streams

    def _register(self, registry: ToolRegistry, tools: list[mcp_types.Tool]) -> None:
        trusting = self.server.trust_annotations
        for offered in tools:
            if not self.server.offers(offered.name):
                continue
            if len(self._registered) >= MAX_TOOLS_PER_SERVER:
                self._status.skipped.append(f"{len(tools)} tools offered; only {MAX_TOOLS_PER_SERVER} kept")
                break
            try:
                name = tool_name(self.name, offered.name)
                schema = normalise_schema(offered.input_schema)
            except UnusableToolError as exc:
                self._status.skipped.append(str(exc))
                continue
            if registry.get(name) is not None:
                self._status.skipped.append(f"tool {offered.name!r}: {name} is already taken")
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
        self._status.tools = list(self._registered)

    def _keep_prompts(self, offered: list[mcp_types.Prompt]) -> None:
        """The prompts whose names make a command that can be typed (`mcp__<server>__<prompt>`)."""
        kept: dict[str, SourcePrompt] = {}
        for prompt in offered[:MAX_PROMPTS_PER_SERVER]:
            try:
                command = tool_name(self.name, prompt.name).lower()
            except UnusableToolError as exc:
                self._status.skipped.append(str(exc).replace("tool", "prompt", 1))
                continue
            if command in kept:
                self._status.skipped.append(f"prompt {prompt.name!r}: another prompt is also /{command}")
                continue
            names = [argument.name for argument in prompt.arguments or ()]
            if not all(_ARGUMENT_NAME.match(name) for name in names) or len(set(names)) != len(names):
                self._status.skipped.append(f"prompt {prompt.name!r}: its argument names are not usable")
                continue
            description = scrub(" ".join((prompt.description or prompt.title or "").split()))
            arguments = tuple(
                PromptArgument(
                    name=argument.name,
                    description=scrub(" ".join((argument.description or "").split())),
                    required=bool(argument.required),
                )
                for argument in prompt.arguments or ()
            )
            kept[command] = SourcePrompt(self.name, prompt.name, description[:_ERROR_CHARS], arguments)
        if len(offered) > MAX_PROMPTS_PER_SERVER:
            self._status.skipped.append(f"{len(offered)} prompts offered; only {MAX_PROMPTS_PER_SERVER} kept")
        self._prompts = list(kept.values())
        self._status.prompts = [prompt.name for prompt in self._prompts]

    async def _call(self, remote_name: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        session = self._session
        if session is None:
            raise McpCallError(f"the server is {self._status.state}" + _because(self._status.error))
        from vibe.tools.mcp.results import result_text

        try:
            result = await session.call_tool(remote_name, arguments, read_timeout_seconds=self._timeout)
        except Exception as exc:
            if self._gone.is_set() and self._task is not None:
                # The server died under this call: its notice goes out before the call's error,
                # so the user reads why first (bounded: stopping a dead server is quick).
                await asyncio.wait({self._task}, timeout=_STOP_SECONDS)
            raise McpCallError(_describe(exc, self._timeout)) from exc
        return result_text(result), bool(result.is_error)


async def _list_tools(session: ClientSession) -> list[mcp_types.Tool]:
    async def page(
        params: mcp_types.PaginatedRequestParams | None,
    ) -> tuple[list[mcp_types.Tool], str | None]:
        listed = await session.list_tools(params=params)
        return listed.tools, listed.next_cursor

    return await _all_pages(page, MAX_TOOLS_PER_SERVER)


async def _list_prompts(session: ClientSession) -> list[mcp_types.Prompt]:
    async def page(
        params: mcp_types.PaginatedRequestParams | None,
    ) -> tuple[list[mcp_types.Prompt], str | None]:
        listed = await session.list_prompts(params=params)
        return listed.prompts, listed.next_cursor

    return await _all_pages(page, MAX_PROMPTS_PER_SERVER)


async def _all_pages(
    page: Callable[[mcp_types.PaginatedRequestParams | None], Awaitable[tuple[list[_Item], str | None]]],
    cap: int,
) -> list[_Item]:
    """Every item of a paginated listing, following the server's cursor for at most
    `_MAX_LIST_PAGES` pages, and stopping once more than `cap` have come."""
    import mcp_types

    items: list[_Item] = []
    cursor: str | None = None
    for _page in range(_MAX_LIST_PAGES):
        found, cursor = await page(mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None)
        items.extend(found)
        if not cursor or len(items) > cap:
            break
    return items


class ServerExitedError(Exception):
    """A stdio server ended on its own while the conversation still used it."""


def _refused(exc: BaseException) -> bool:
    """Whether a streamable HTTP attempt failed because the server answered with an error (as
    an HTTP+SSE server does to a POST at its URL), not because it could not be reached."""
    if isinstance(exc, BaseExceptionGroup):
        return any(_refused(inner) for inner in cast(BaseExceptionGroup[BaseException], exc).exceptions)
    import httpx2  # loaded already: the attempt used it
    from mcp.shared.exceptions import MCPError

    if isinstance(exc, httpx2.HTTPStatusError):
        return 400 <= exc.response.status_code < 500
    return isinstance(exc, MCPError)


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

"""One MCP server's connection, held by the MCP client process: transport, SDK session, calls.

The server's whole life (transport, session) runs in one task of its own, because the SDK's
transports must be entered and left by the same task; calls come in from other tasks and go
through the session it holds. What happens to the server is reported as plain messages
(`report`): where it runs, what it offers once it is ready, why it failed, that it ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar, cast

import anyio

from vibe.tools.mcp.endpoint import Endpoint
from vibe.tools.mcp.failure_text import ERROR_CHARS, describe
from vibe.tools.mcp.http_transport import remote_streams
from vibe.tools.mcp.sdk_loader import load_sdk
from vibe.tools.mcp.stdio_transport import piped_stdio
from vibe.unicode_text import scrub

if TYPE_CHECKING:
    import mcp_types
    from mcp.client._transport import TransportStreams
    from mcp.client.session import ClientSession

__all__ = ["CallFailedError", "ServerConnection"]

log = logging.getLogger("vibe.tools.mcp")

# Listings are cut a little past what vibe keeps (the source says what it left out).
MAX_LISTED = 129
_MAX_LIST_PAGES = 16
# Seconds a stopping server's task gets to leave its session cleanly before it is cancelled.
_STOP_SECONDS = 10.0
# One item of a paginated MCP listing (a tool, a prompt).
_Item = TypeVar("_Item")

Report = Callable[[dict[str, Any]], None]


class CallFailedError(Exception):
    """The server could not answer (it died, timed out, or broke the protocol); the message
    says why in words for the user."""


class ServerConnection:
    def __init__(
        self,
        endpoint: Endpoint,
        *,
        pipes: Callable[[], Awaitable[tuple[int, int]]] | None,
        timeout: float | None,
        sdk: asyncio.Future[None],
        report: Report,
    ) -> None:
        """`pipes`: a stdio server's (stdout, stdin) pipe ends, once vibe has handed them over;
        `sdk`: the SDK's client modules loading."""
        self.endpoint = endpoint
        self._pipes = pipes
        self._timeout = timeout
        self._sdk = sdk
        self._report = report
        self._session: ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = False
        self._stop = asyncio.Event()
        # Set when a stdio server's output ends: it exited (or closed its stdout) on its own.
        self._gone = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        self._stop.set()
        task = self._task
        if task is None:
            return
        if not self._ready:
            task.cancel()  # nothing to leave cleanly: the handshake is not done
        done, _pending = await asyncio.wait({task}, timeout=_STOP_SECONDS)
        if not done:
            task.cancel()
            await asyncio.wait({task})

    async def call(self, remote_name: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        session = self._usable()
        from vibe.tools.mcp.results import result_text

        try:
            result = await session.call_tool(remote_name, arguments, read_timeout_seconds=self._timeout)
        except Exception as exc:
            if self._gone.is_set() and self._task is not None:
                # The server died under this call: its failure is reported before the call's
                # error, so the user reads why first (bounded: stopping a dead server is quick).
                await asyncio.wait({self._task}, timeout=_STOP_SECONDS)
            raise CallFailedError(describe(exc, self._timeout)) from exc
        return result_text(result), bool(result.is_error)

    async def get_prompt(self, name: str, arguments: dict[str, str]) -> str:
        session = self._usable()
        from vibe.tools.mcp.results import prompt_text

        try:
            with anyio.fail_after(self._timeout):
                result = await session.get_prompt(name, arguments)
        except Exception as exc:
            raise CallFailedError(
                f"did not give the prompt {name!r}: {describe(exc, self._timeout)}"
            ) from exc
        return prompt_text(result)

    def _usable(self) -> ClientSession:
        if self._session is None:
            raise CallFailedError("the server is not running")
        return self._session

    async def _run(self) -> None:
        kinds = ["http", "sse"] if self.endpoint.falls_back_to_sse else [self.endpoint.transport]
        refused: str | None = None  # why streamable HTTP did not work, when falling back
        try:
            for kind in kinds:
                try:
                    async with self._transport(kind) as (read, write):
                        from mcp.client.session import ClientSession

                        async with ClientSession(read, write) as session:
                            await self._serve(session)
                    break
                except Exception as exc:
                    # Falling back only when the server answered but refused streamable HTTP
                    # (one that cannot be reached or does not answer would only fail twice).
                    if kind == kinds[-1] or self._ready or not _refused(exc):
                        raise
                    refused = describe(exc, self.endpoint.startup_timeout)
                    log.info("MCP server: streamable HTTP refused (%s); trying SSE", refused)
        except Exception as exc:  # whatever the server did, the conversation goes on without it
            error = describe(exc, self.endpoint.startup_timeout) + self._last_words()
            if refused is not None:
                error = f"streamable HTTP: {refused}; HTTP+SSE: {error}"
            self._report({"event": "failed", "error": error})
        finally:
            self._session = None
            self._report({"event": "ended"})

    async def _serve(self, session: ClientSession) -> None:
        """Lists what the server offers, reports it, and holds the session until asked to stop."""
        with anyio.fail_after(self.endpoint.startup_timeout):
            started = await session.initialize()
            tools = await _list_tools(session)
            prompts = await _list_prompts(session) if started.capabilities.prompts is not None else []
        self._session = session
        self._ready = True
        self._report(
            {
                "event": "ready",
                "tools": [_tool_wire(tool) for tool in tools],
                "prompts": [_prompt_wire(prompt) for prompt in prompts],
            }
        )
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
        if self.endpoint.stderr_log is None:
            return ""
        try:
            with open(self.endpoint.stderr_log, "rb") as errors:
                errors.seek(0, 2)
                errors.seek(max(0, errors.tell() - 2000))
                lines = errors.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return f"; it said: {scrub(lines[-1])[:ERROR_CHARS]}" if lines else ""

    @contextlib.asynccontextmanager
    async def _transport(self, kind: str) -> AsyncGenerator[TransportStreams, None]:
        self._report({"event": "progress", "transport": kind})
        if self._pipes is not None:
            output_fd, input_fd = await self._pipes()
            try:
                await self._sdk
            except BaseException:
                os.close(output_fd)
                os.close(input_fd)
                raise
            async with piped_stdio(output_fd, input_fd, self._gone) as streams:
                yield streams
            return
        await self._sdk
        await asyncio.to_thread(load_sdk, http=True)
        assert self.endpoint.url is not None
        remote: Literal["http", "sse"] = "sse" if kind == "sse" else "http"
        read_timeout = self._timeout or 300.0
        async with remote_streams(self.endpoint.url, self.endpoint.headers, remote, read_timeout) as streams:
            yield streams


def _tool_wire(tool: mcp_types.Tool) -> dict[str, Any]:
    hints = tool.annotations
    return {
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "input_schema": tool.input_schema,
        "read_only_hint": hints.read_only_hint if hints is not None else None,
    }


def _prompt_wire(prompt: mcp_types.Prompt) -> dict[str, Any]:
    return {
        "name": prompt.name,
        "title": prompt.title,
        "description": prompt.description,
        "arguments": [
            {"name": argument.name, "description": argument.description, "required": bool(argument.required)}
            for argument in prompt.arguments or ()
        ],
    }


async def _list_tools(session: ClientSession) -> list[mcp_types.Tool]:
    async def page(
        params: mcp_types.PaginatedRequestParams | None,
    ) -> tuple[list[mcp_types.Tool], str | None]:
        listed = await session.list_tools(params=params)
        return listed.tools, listed.next_cursor

    return await _all_pages(page)


async def _list_prompts(session: ClientSession) -> list[mcp_types.Prompt]:
    async def page(
        params: mcp_types.PaginatedRequestParams | None,
    ) -> tuple[list[mcp_types.Prompt], str | None]:
        listed = await session.list_prompts(params=params)
        return listed.prompts, listed.next_cursor

    return await _all_pages(page)


async def _all_pages(
    page: Callable[[mcp_types.PaginatedRequestParams | None], Awaitable[tuple[list[_Item], str | None]]],
) -> list[_Item]:
    """Every item of a paginated listing, following the server's cursor for at most
    `_MAX_LIST_PAGES` pages, and stopping once more than vibe keeps have come."""
    import mcp_types

    items: list[_Item] = []
    cursor: str | None = None
    for _page in range(_MAX_LIST_PAGES):
        found, cursor = await page(mcp_types.PaginatedRequestParams(cursor=cursor) if cursor else None)
        items.extend(found)
        if not cursor or len(items) >= MAX_LISTED:
            break
    return items[:MAX_LISTED]


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

"""Remote MCP servers: streamable HTTP, and the older HTTP+SSE protocol (a GET that streams
server messages, with an endpoint event naming where to POST client messages).

Which one a `url` server speaks is its `transport` setting; unset, streamable HTTP is tried first
and HTTP+SSE second, as the MCP specification suggests for clients that want to reach servers of
both generations. The SDK modules load in the caller's thread (`source._load_sdk`) beforehand.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from mcp.client._transport import TransportStreams

__all__ = ["HTTP_MODULES", "remote_streams"]

HTTP_MODULES = ("httpx2", "mcp.client.streamable_http", "mcp.client.sse")
# Seconds to connect and send; reading (a tool's answer) is bounded by the call's timeout.
_CONNECT_SECONDS = 30.0


@contextlib.asynccontextmanager
async def remote_streams(
    url: str, headers: dict[str, str], kind: Literal["http", "sse"], read_timeout: float
) -> AsyncGenerator[TransportStreams, None]:
    """The server at `url`, spoken to by `kind`, as the SDK's (read, write) streams."""
    if kind == "sse":
        from mcp.client.sse import sse_client

        async with sse_client(
            url, headers=dict(headers), timeout=_CONNECT_SECONDS, sse_read_timeout=read_timeout
        ) as streams:
            yield streams
        return
    import httpx2
    from mcp.client.streamable_http import streamable_http_client

    timeout = httpx2.Timeout(_CONNECT_SECONDS, read=read_timeout)
    async with (
        httpx2.AsyncClient(headers=headers, timeout=timeout) as client,
        streamable_http_client(url, http_client=client) as streams,
    ):
        yield streams

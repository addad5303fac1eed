"""Just enough HTTP/1.1 over asyncio streams for a chat-completions endpoint.

A hand-rolled server rather than `http.server` because faults need control of the socket:
streams use chunked transfer encoding, so closing mid-body is a protocol error the client can
see (not a clean end of body), and stalls must be woken at once when the server stops.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

MAX_BODY = 64 * 1024 * 1024


class BadRequestError(Exception):
    """The bytes on the socket are not an HTTP/1.1 request we can answer."""


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0].rstrip("/") or "/"

    @property
    def keep_alive(self) -> bool:
        return self.headers.get("connection", "").lower() != "close"


async def read_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """The next request on a connection, or None when the client closed it between requests."""
    request_line = await reader.readline()
    if not request_line.strip():
        return None
    parts = request_line.decode("latin-1").split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise BadRequestError(f"bad request line {request_line!r}")
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep:
            raise BadRequestError(f"bad header line {line!r}")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise BadRequestError("chunked request bodies are not supported; send Content-Length")
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError as exc:
        raise BadRequestError("bad Content-Length") from exc
    if not 0 <= length <= MAX_BODY:
        raise BadRequestError("bad Content-Length")
    body = await reader.readexactly(length) if length else b""
    return HttpRequest(parts[0].upper(), parts[1], headers, body)


def status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _head(status: int, headers: list[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {status_phrase(status)}", *(f"{name}: {value}" for name, value in headers)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class ResponseWriter:
    """Writes one response at a time on a connection."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def send_json(
        self,
        status: int,
        payload: Any,
        *,
        keep_alive: bool = True,
        extra_headers: list[tuple[str, str]] | None = None,
    ) -> None:
        await self.send_bytes(
            status, json.dumps(payload).encode(), "application/json", keep_alive, extra_headers
        )

    async def send_bytes(
        self,
        status: int,
        body: bytes,
        content_type: str,
        keep_alive: bool = True,
        extra_headers: list[tuple[str, str]] | None = None,
    ) -> None:
        headers = [
            ("Content-Type", content_type),
            ("Content-Length", str(len(body))),
            ("Connection", "keep-alive" if keep_alive else "close"),
            *(extra_headers or []),
        ]
        self._writer.write(_head(status, headers) + body)
        await self._writer.drain()

    async def start_stream(self, keep_alive: bool = True) -> None:
        headers = [
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("Transfer-Encoding", "chunked"),
            ("Connection", "keep-alive" if keep_alive else "close"),
        ]
        self._writer.write(_head(200, headers))
        await self._writer.drain()

    async def send_chunk(self, data: bytes) -> None:
        """One HTTP chunk, flushed, so the client sees it at once."""
        self._writer.write(b"%x\r\n%s\r\n" % (len(data), data))
        await self._writer.drain()

    async def end_stream(self) -> None:
        self._writer.write(b"0\r\n\r\n")
        await self._writer.drain()

    def abort(self) -> None:
        """Drop the connection as a crashed server would: no terminating chunk, no goodbye."""
        self._writer.transport.abort()

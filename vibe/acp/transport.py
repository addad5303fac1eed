"""The stdio transport under the SDK's JSON-RPC connection, answering what the SDK would drop.

The SDK's connection does the JSON-RPC work (ids, dispatch, responses, errors for unknown
methods and invalid params). Its newline-delimited framing, though, silently skips a line that
is not JSON and stops serving altogether on a JSON value that is not an object. This transport
plugs into the SDK's message-level `Transport` seam instead: it frames the same way, hands every
well-formed message to the SDK, and answers the rest itself with the JSON-RPC error objects the
SDK defines (parse error, invalid request), so the editor hears about its mistake and the agent
keeps serving.

It also owns the protocol stream: `open_stdio` moves the real stdout to a private descriptor
and points fd 1 at stderr, so a stray print anywhere in the process cannot corrupt the protocol.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import sys
from typing import Any

from acp.exceptions import RequestError
from acp.task import MessageSender, TaskSupervisor

log = logging.getLogger("vibe.acp")

# Same limit as the SDK's stdio default: prompts can embed whole files.
LINE_LIMIT = 50 * 1024 * 1024


class GuardedStdioTransport:
    """A `acp._transport.Transport`: newline-delimited JSON-RPC messages over byte streams."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._tasks = TaskSupervisor(source="vibe.acp.transport")
        self._sender = MessageSender(writer, self._tasks)

    async def send(self, message: dict[str, Any]) -> None:
        await self._sender.send(message)

    async def receive(self) -> dict[str, Any] | None:
        """The next well-formed message, or None at end of input."""
        while True:
            line = await self._read_line()
            if line is None:
                return None
            line = line.strip()
            if not line:
                continue
            message = await self._checked(line)
            if message is not None:
                return message

    async def close(self) -> None:
        await self._sender.close()
        await self._tasks.shutdown()

    async def _read_line(self) -> bytes | None:
        try:
            return await self._reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:  # last line without a newline, or end of input
            return exc.partial or None
        except asyncio.LimitOverrunError as exc:
            # Drop the oversized line whole (up to its newline) and say so under its id, which
            # its start shows: whoever sent or awaits that message must not wait forever.
            head = await self._reader.readexactly(exc.consumed)
            is_response, message_id = _envelope(head)
            while True:
                try:
                    await self._reader.readuntil(b"\n")
                    break
                except asyncio.LimitOverrunError as more:
                    await self._reader.readexactly(more.consumed)
                except asyncio.IncompleteReadError:
                    break
            too_large = RequestError.invalid_request({"details": "message too large"})
            if is_response and message_id is not None:
                # The editor's answer to our request (a huge file read): it fails instead.
                failed = {"jsonrpc": "2.0", "id": message_id, "error": too_large.to_error_obj()}
                return json.dumps(failed).encode()
            await self._reply_error(message_id, too_large)
            return b""

    async def _checked(self, line: bytes) -> dict[str, Any] | None:
        """The parsed message if the SDK can handle it; otherwise answer it here and return None."""
        try:
            value: object = json.loads(line)
        except ValueError as exc:
            log.warning("ACP: unparseable message from the client: %s", exc)
            await self._reply_error(None, RequestError.parse_error({"details": str(exc)}))
            return None
        if not isinstance(value, dict):
            what = "a batch" if isinstance(value, list) else f"a JSON {type(value).__name__}"
            await self._reply_error(
                None, RequestError.invalid_request({"details": f"expected a JSON-RPC object, got {what}"})
            )
            return None
        message: dict[str, Any] = value  # pyright: ignore[reportUnknownVariableType]
        method = message.get("method")
        is_response = "id" in message and ("result" in message or "error" in message)
        if message.get("jsonrpc") != "2.0":
            wrong = RequestError.invalid_request({"details": 'jsonrpc must be "2.0"'})
            if is_response and method is None:
                # An answer to one of our requests: it fails instead, so nothing waits forever.
                return {"jsonrpc": "2.0", "id": message["id"], "error": wrong.to_error_obj()}
            await self._reply_error(message.get("id"), wrong)
            return None
        if method is None and not is_response:
            await self._reply_error(
                message.get("id"),
                RequestError.invalid_request({"details": "neither a request, a notification nor a response"}),
            )
            return None
        if method is not None and not isinstance(method, str):
            await self._reply_error(
                message.get("id"), RequestError.invalid_request({"details": "method must be a string"})
            )
            return None
        return message

    async def _reply_error(self, request_id: Any, error: RequestError) -> None:
        if not isinstance(request_id, str | int) or isinstance(request_id, bool):
            request_id = None
        await self._sender.send({"jsonrpc": "2.0", "id": request_id, "error": error.to_error_obj()})


_ID_MEMBER = re.compile(rb'"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")')


def _envelope(head: bytes) -> tuple[bool, int | str | None]:
    """Whether a message is a response, and its id, from its first bytes. What comes before
    the bulk ("params" or "result") is top-level: every client writes jsonrpc, id and method
    first."""
    start = head[:4096]
    bulk = [at for at in (start.find(b'"params"'), start.find(b'"result"')) if at >= 0]
    envelope = start[: min(bulk)] if bulk else start
    is_response = b'"method"' not in envelope and start[len(envelope) :].startswith(b'"result"')
    match = _ID_MEMBER.search(envelope)
    if match is None:
        return is_response, None
    try:
        value: object = json.loads(match.group(1))
    except ValueError:
        return is_response, None
    return is_response, value if isinstance(value, int | str) else None


async def open_stdio() -> GuardedStdioTransport:
    """The protocol transport on this process's stdin and (private) stdout."""
    loop = asyncio.get_running_loop()
    protocol_out = os.fdopen(_take_stdout(), "wb", buffering=0)
    reader = asyncio.StreamReader(limit=LINE_LIMIT)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, protocol_out)
    writer = asyncio.StreamWriter(transport, protocol, None, loop)
    return GuardedStdioTransport(reader, writer)


def _take_stdout() -> int:
    """A private duplicate of stdout for the protocol; fd 1 (and sys.stdout) then go to stderr."""
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol_fd

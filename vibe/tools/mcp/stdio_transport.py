"""A stdio MCP server's pipes, as the SDK's message streams (in the MCP client process).

vibe spawns the server (server_process.py) and hands this process the ends of its pipes: one
JSON-RPC message per line each way. Closing the server's input when the session ends is what
tells it to exit; vibe, which owns the process, then waits for it and stops what is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from mcp.client._transport import TransportStreams

__all__ = ["piped_stdio"]

# A single message longer than this is refused: a server could otherwise fill the memory.
MAX_LINE_BYTES = 16 * 1024 * 1024


@contextlib.asynccontextmanager
async def piped_stdio(
    output_fd: int, input_fd: int, exited: asyncio.Event | None = None
) -> AsyncGenerator[TransportStreams, None]:
    """The server behind the pipe ends `output_fd` (its stdout) and `input_fd` (its stdin), as
    the SDK's (read, write) streams; both ends are closed on the way out. `exited` is set when
    the server's output ends (it exited or closed stdout), so its owner notices at once rather
    than at the next call. The SDK must be loaded."""
    import mcp_types
    from mcp.shared.message import SessionMessage

    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    from_server = os.fdopen(output_fd, "rb", buffering=0)
    to_server = os.fdopen(input_fd, "wb", buffering=0)
    try:
        read_transport, _ = await loop.connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), from_server
        )
        # Written without waiting for the pipe to drain: what goes to a server is a request at
        # a time, sized by the model's arguments, and a server that stops reading times out.
        write_transport, _ = await loop.connect_write_pipe(asyncio.Protocol, to_server)
    except BaseException:
        from_server.close()
        to_server.close()
        raise

    to_session, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_stream, from_session = anyio.create_memory_object_stream[SessionMessage](0)

    async def read_stdout() -> None:
        async with to_session:
            while True:
                try:
                    line = await reader.readline()
                except ValueError as exc:  # a line over MAX_LINE_BYTES: the stream is unusable
                    await to_session.send(exc)
                    return
                if not line:
                    if exited is not None:
                        exited.set()
                    return
                if not line.strip():
                    continue
                try:
                    message = mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except ValueError as exc:
                    await to_session.send(exc)
                    continue
                await to_session.send(SessionMessage(message))

    async def write_stdin() -> None:
        async with from_session:
            async for outgoing in from_session:
                data = outgoing.message.model_dump_json(by_alias=True, exclude_unset=True)
                if write_transport.is_closing():  # the server has gone
                    return
                write_transport.write(data.encode() + b"\n")

    try:
        async with anyio.create_task_group() as pipes:
            pipes.start_soon(read_stdout)
            pipes.start_soon(write_stdin)
            try:
                yield read_stream, write_stream
            finally:
                pipes.cancel_scope.cancel()
    finally:
        # The server's input ends: its cue to exit (vibe waits for that, then stops the rest).
        write_transport.close()
        read_transport.close()
        with anyio.CancelScope(shield=True):
            for stream in (read_stream, write_stream, to_session, from_session):
                await stream.aclose()

"""The stdio transport with a message larger than its line limit: whoever waits for an answer
about it hears back under its id (the editor for its request, our caller for the editor's
answer), and the messages after it are served."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator

import pytest

from vibe.acp.transport import GuardedStdioTransport


@pytest.fixture
async def pipe_writer() -> AsyncIterator[tuple[asyncio.StreamWriter, int]]:
    """A writer on a real pipe, and the descriptor its bytes can be read from."""
    read_fd, write_fd = os.pipe()
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(write_fd, "wb", buffering=0)
    )
    yield asyncio.StreamWriter(transport, protocol, None, loop), read_fd
    os.close(read_fd)


def request(request_id: object, text: str) -> bytes:
    params = {"sessionId": "s1", "prompt": [{"type": "text", "text": text, "id": 7}]}
    message = {"jsonrpc": "2.0", "id": request_id, "method": "session/prompt", "params": params}
    return json.dumps(message).encode() + b"\n"


@pytest.mark.parametrize("request_id", [42, "req-7"])
async def test_an_oversized_request_is_answered_under_its_own_id(
    pipe_writer: tuple[asyncio.StreamWriter, int], request_id: object
) -> None:
    writer, read_fd = pipe_writer
    reader = asyncio.StreamReader(limit=1024)
    reader.feed_data(request(request_id, "y" * 5000) + request(43, "small"))
    reader.feed_eof()
    transport = GuardedStdioTransport(reader, writer)

    served = await transport.receive()
    assert await transport.receive() is None
    await transport.close()

    assert served is not None and served["id"] == 43
    answer = json.loads(os.read(read_fd, 65536))
    assert answer["id"] == request_id
    assert answer["error"]["code"] == -32600
    assert answer["error"]["data"] == {"details": "message too large"}


async def test_an_oversized_answer_to_our_request_fails_that_request(
    pipe_writer: tuple[asyncio.StreamWriter, int],
) -> None:
    # The editor answering fs/read_text_file with a file larger than the limit: the read must
    # fail (the file tools then read the disk) rather than wait for an answer that was dropped.
    writer, _read_fd = pipe_writer
    answer = {"jsonrpc": "2.0", "id": 5, "result": {"content": "y" * 5000}}
    reader = asyncio.StreamReader(limit=1024)
    reader.feed_data(json.dumps(answer).encode() + b"\n")
    reader.feed_eof()
    transport = GuardedStdioTransport(reader, writer)

    failed = await transport.receive()
    assert await transport.receive() is None
    await transport.close()

    assert failed == {
        "jsonrpc": "2.0",
        "id": 5,
        "error": {"code": -32600, "message": "Invalid request", "data": {"details": "message too large"}},
    }

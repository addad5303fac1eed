"""Reading a 200 answer into deltas: an event stream, or a JSON completion sent instead.

One reader per attempt. The idle timeout counts model output (text, reasoning, tool-call
fragments) rather than bytes, so a proxy's keep-alive comments or a trickle of blank lines
cannot hold a silent stream open for ever; it also bounds waiting for a JSON body. Every read
failure becomes a `RetryableError` (the client decides about retrying) or, for an answer that
is not chat completions at all, a `ModelError` at once.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, cast

from vibe.model.assembly import ChunkError, StreamAssembler
from vibe.model.deltas import Delta
from vibe.model.errors import client_error, provider_message
from vibe.model.non_stream import (
    SNIFF_BYTES,
    body_kind,
    completion_as_chunk,
    describe_body,
    describe_json,
    looks_like_event_stream,
    not_chat_endpoint,
)
from vibe.model.retry import RETRYABLE_STATUSES, RetryableError
from vibe.model.sse import ServerSentEvent, SSEDecoder
from vibe.model.transport_errors import describe_transport_error

if TYPE_CHECKING:
    import httpx

# Provider text quoted in a retry reason; a 503 can carry a whole HTML page.
REASON_DETAIL_CHARS = 120


def _httpx():  # returns the module; pyright infers its type
    """httpx, loaded by the time an answer is read (imported lazily for start-up time)."""
    from vibe.model._httpx_import import httpx

    return httpx


class AnswerReader:
    def __init__(self, base_url: str, idle_timeout: float) -> None:
        self._base_url = base_url
        self._idle = idle_timeout

    async def deltas(self, response: httpx.Response) -> AsyncGenerator[Delta]:
        """A 200 answer's deltas: an event stream, a JSON completion, or a clear refusal."""
        async with aclosing(_decoded_body(response)) as chunks:
            async for delta in self._read_body(response.headers.get("content-type"), chunks):
                yield delta

    async def _read_body(
        self, content_type: str | None, chunks: AsyncIterator[bytes]
    ) -> AsyncGenerator[Delta]:
        kind = body_kind(content_type)
        if kind == "json":
            for delta in await self._read_completion(chunks):
                yield delta
            return
        start = b""
        if kind == "other":
            start = await self._sniff(chunks)
            if not looks_like_event_stream(start):
                raise not_chat_endpoint(self._base_url, describe_body(content_type, start))
        async with aclosing(self._read_stream(chunks, start)) as deltas:
            async for delta in deltas:
                yield delta

    async def _read_stream(self, chunks: AsyncIterator[bytes], start: bytes) -> AsyncGenerator[Delta]:
        decoder = SSEDecoder()
        assembler = StreamAssembler()
        events = decoder.feed(start)
        idle = self._idle
        # The idle timer counts model output, not bytes: a proxy's keep-alive comments or a
        # trickle of blank lines must not keep a stream that says nothing alive for ever.
        clock = asyncio.get_running_loop().time
        deadline = clock() + idle
        saw_done = at_eof = False
        while True:
            for event in events:
                if event.is_done:
                    saw_done = True
                    break
                output_before = assembler.output_pieces
                for delta in self._parse_event(event, assembler):
                    yield delta
                if assembler.output_pieces != output_before:
                    deadline = clock() + idle
            if saw_done or at_eof:
                break
            try:
                chunk = await self._next_chunk(chunks, deadline, "the stream stalled: no model output")
            except RetryableError:
                if assembler.finish_reason is not None:
                    break  # the answer is complete; only trailing usage or [DONE] was lost
                raise
            if chunk is None:
                events, at_eof = decoder.close(), True
            else:
                events = decoder.feed(chunk)
        # No choice at all, or only an opening role chunk with neither output nor a finish: a
        # server that gave up, not a model that chose to say nothing (that comes with a finish).
        if not assembler.saw_choice or (assembler.output_pieces == 0 and assembler.finish_reason is None):
            raise RetryableError("protocol", "the server ended the stream without an answer")
        if not saw_done and assembler.finish_reason is None:
            raise RetryableError("protocol", "the connection dropped before the model finished")
        for delta in assembler.finish():
            yield delta

    async def _read_completion(self, chunks: AsyncIterator[bytes]) -> list[Delta]:
        """A server that ignored `stream: true` and sent the whole completion as JSON."""
        body = bytearray()
        deadline = asyncio.get_running_loop().time() + self._idle
        while (chunk := await self._next_chunk(chunks, deadline, "the answer stalled")) is not None:
            body += chunk
        try:
            document: object = json.loads(body)
        except (ValueError, RecursionError):
            raise RetryableError("protocol", "the server sent a malformed JSON answer") from None
        if _is_error_chunk(document):
            self._raise_stream_error(document, body.decode("utf-8", errors="replace"))
        chunk = completion_as_chunk(document)
        if chunk is None:
            raise not_chat_endpoint(self._base_url, describe_json(document))
        assembler = StreamAssembler()
        try:
            return [*assembler.feed(chunk), *assembler.finish()]
        except ChunkError as exc:
            raise RetryableError("protocol", str(exc)) from None

    async def _sniff(self, chunks: AsyncIterator[bytes]) -> bytes:
        """The start of a body of unexpected type: enough to tell an event stream, or to say what
        it is."""
        start = b""
        deadline = asyncio.get_running_loop().time() + self._idle
        while len(start.strip()) < len(b"data:") and len(start) < SNIFF_BYTES:
            chunk = await self._next_chunk(chunks, deadline, "the answer stalled")
            if chunk is None:
                break
            start += chunk
        return start

    async def _next_chunk(self, chunks: AsyncIterator[bytes], deadline: float, stalled: str) -> bytes | None:
        """The next piece of the body, None at its end; read failures as retryable errors."""
        try:
            async with asyncio.timeout_at(deadline):
                return await anext(chunks)
        except StopAsyncIteration:
            return None
        except TimeoutError:
            raise RetryableError("timeout", f"{stalled} for {self._idle:g} s") from None
        except _httpx().TransportError as exc:
            raise describe_transport_error(exc) from None

    def _parse_event(self, event: ServerSentEvent, assembler: StreamAssembler) -> list[Delta]:
        try:
            chunk: object = json.loads(event.data)
        except (ValueError, RecursionError):
            raise RetryableError("protocol", "the server sent a malformed chunk") from None
        if event.event == "error" or _is_error_chunk(chunk):
            self._raise_stream_error(chunk, event.data)
        try:
            return assembler.feed(chunk)
        except ChunkError as exc:
            raise RetryableError("protocol", str(exc)) from None

    def _raise_stream_error(self, chunk: object, raw: str) -> None:
        """An error reported inside a 200 stream (vLLM and llama.cpp do this)."""
        code = _stream_error_code(chunk)
        if code is not None and 400 <= code < 500 and code not in RETRYABLE_STATUSES:
            raise client_error(code, raw, self._base_url)
        raise RetryableError(
            "server", f"the server reported an error: {provider_message(raw, limit=REASON_DETAIL_CHARS)}"
        )


async def _decoded_body(response: httpx.Response) -> AsyncGenerator[bytes]:
    """The body's bytes; a body its Content-Encoding does not describe (a broken gzip) is a
    protocol failure, not a crash."""
    raw = response.aiter_bytes()
    try:
        async for chunk in raw:
            yield chunk
    except _httpx().DecodingError as exc:
        encoding = response.headers.get("content-encoding", "encoded")
        raise RetryableError(
            "protocol", f"the server's {encoding} body could not be decoded ({exc})"
        ) from None
    finally:
        if isinstance(raw, AsyncGenerator):
            await raw.aclose()


def _is_error_chunk(chunk: object) -> bool:
    return isinstance(chunk, dict) and "error" in chunk and "choices" not in chunk


def _stream_error_code(chunk: object) -> int | None:
    error = cast(dict[str, Any], chunk).get("error") if isinstance(chunk, dict) else None
    code = cast(dict[str, Any], error).get("code") if isinstance(error, dict) else None
    return code if isinstance(code, int) else None

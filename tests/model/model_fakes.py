"""Recorded chat-completions streams served through `httpx.MockTransport`.

The chunk shapes are copied from what Mistral's API, vLLM and llama.cpp actually send; a reply
can be cut into tiny network pieces, end abruptly, or stall, to exercise the client's parsing
and retries without a network.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import httpx

from vibe.messages import UserMessage
from vibe.model.client import ChatClient
from vibe.model.deltas import Delta
from vibe.model.types import Endpoint, RetryPolicy, Sampling, ToolSpec

BASE_URL = "http://127.0.0.1:8000/v1"
MODEL = "devstral-latest"
DONE = b"data: [DONE]\n\n"


def chunk_json(
    delta: dict[str, Any] | None = None,
    finish: str | None = None,
    usage: dict[str, int] | None = None,
    *,
    no_choices: bool = False,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": "8f1c2e0b7a9d4c3b",
        "object": "chat.completion.chunk",
        "created": 1733221100,
        "model": MODEL,
        "choices": []
        if no_choices
        else [{"index": 0, "delta": delta or {}, "finish_reason": finish, "logprobs": None}],
    }
    if usage is not None:
        payload["usage"] = usage
    return payload


def chunk(
    delta: dict[str, Any] | None = None,
    finish: str | None = None,
    usage: dict[str, int] | None = None,
    *,
    no_choices: bool = False,
) -> bytes:
    """One `data:` event, exactly as a server frames it."""
    return b"data: " + json.dumps(chunk_json(delta, finish, usage, no_choices=no_choices)).encode() + b"\n\n"


def usage(prompt: int, completion: int) -> dict[str, int]:
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def split(data: bytes, size: int) -> list[bytes]:
    return [data[start : start + size] for start in range(0, len(data), size)]


class ScriptedStream(httpx.AsyncByteStream):
    """A response body: the pieces in order, then optionally an error or an endless stall."""

    def __init__(
        self, pieces: Iterable[bytes], *, then: Exception | None = None, stall: bool = False
    ) -> None:
        self.pieces = list(pieces)
        self.then = then
        self.stall = stall
        self.closed = False
        self.stalled = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            yield piece
        if self.then is not None:
            raise self.then
        if self.stall:
            self.stalled.set()
            await asyncio.Event().wait()  # silence until the client gives up on us

    async def aclose(self) -> None:
        self.closed = True


Reply = Callable[[], httpx.Response]


def sse(
    *events: bytes, piece_size: int | None = None, then: Exception | None = None, stall: bool = False
) -> Reply:
    data = b"".join(events)
    pieces = split(data, piece_size) if piece_size else [data]
    return lambda: httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        stream=ScriptedStream(pieces, then=then, stall=stall),
    )


def status(code: int, body: dict[str, Any] | str = "", headers: dict[str, str] | None = None) -> Reply:
    content = json.dumps(body).encode() if isinstance(body, dict) else body.encode()
    return lambda: httpx.Response(code, headers=headers or {}, content=content)


class FakeServer:
    """Answers each request with the next scripted reply and keeps every request it saw."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[httpx.Request] = []
        self.streams: list[httpx.AsyncByteStream | httpx.SyncByteStream] = []
        self.stalled = asyncio.Event()  # set when any reply starts stalling

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected request #{len(self.requests)} to {request.url}")
        response = self.replies.pop(0)()
        self.streams.append(response.stream)  # httpx wraps it once the client takes the response
        if isinstance(response.stream, ScriptedStream):
            response.stream.stalled = self.stalled
        return response

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def body(self, number: int = 0) -> dict[str, Any]:
        return json.loads(self.requests[number].content)

    def stream_of(self, number: int) -> ScriptedStream:
        stream = self.streams[number]
        assert isinstance(stream, ScriptedStream)
        return stream


class FakeTime:
    """A monotonic clock that only moves when the client sleeps, so retries cost no real time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(
    server: FakeServer,
    time: FakeTime | None = None,
    *,
    retry: RetryPolicy | None = None,
    endpoint: Endpoint | None = None,
    **options: Any,
) -> ChatClient:
    fake_time = time or FakeTime()
    return ChatClient(
        endpoint or Endpoint(base_url=BASE_URL, api_key="sk-test-123"),
        retry,
        transport=server.transport,
        sleep=fake_time.sleep,
        clock=fake_time,
        random=lambda: 1.0,  # the top of the jitter range, so waits are predictable
        **options,
    )


async def collect(
    client: ChatClient, tools: Iterable[ToolSpec] = (), sampling: Sampling | None = None
) -> list[Delta]:
    messages = [UserMessage(content="Say hello")]
    return [delta async for delta in client.stream(messages, list(tools), sampling or Sampling(model=MODEL))]

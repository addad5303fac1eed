"""200 answers that are not a clean event stream, at the adapter level (recorded bytes)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from model.model_fakes import (
    DONE,
    FakeServer,
    FakeTime,
    Reply,
    ScriptedStream,
    chunk,
    collect,
    make_client,
    sse,
    usage,
)
from vibe.messages import ToolCall, Usage
from vibe.model.deltas import Delta, Finish, ReasoningDelta, Retrying, TextDelta, ToolCallDelta, UsageDelta
from vibe.model.types import ModelError, RetryPolicy

GOOD = sse(chunk({"content": "Hello"}, finish="stop"), DONE)


def body(content: bytes | str, content_type: str, headers: dict[str, str] | None = None) -> Reply:
    data = content.encode() if isinstance(content, str) else content
    all_headers = {"content-type": content_type, **(headers or {})}
    # Streamed, as a server sends it: httpx decodes (and may fail to) as the client reads.
    return lambda: httpx.Response(200, headers=all_headers, stream=ScriptedStream([data]))


def completion(message: dict[str, Any], finish: str = "stop", **extra: Any) -> str:
    return json.dumps(
        {
            "id": "x",
            "object": "chat.completion",
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            **extra,
        }
    )


async def run(server: FakeServer, attempts: int = 6) -> list[Delta]:
    client = make_client(server, FakeTime(), retry=RetryPolicy(max_attempts=attempts))
    try:
        return await collect(client)
    finally:
        await client.aclose()


async def test_a_json_completion_is_read_as_a_one_chunk_stream() -> None:
    message = {
        "role": "assistant",
        "content": "Reading both.",
        "reasoning_content": "Two files.",
        "tool_calls": [
            {
                "id": "same",
                "type": "function",
                "function": {"name": "read_file", "arguments": '{"path": "a"}'},
            },
            {
                "id": "same",
                "type": "function",
                "function": {"name": "read_file", "arguments": '{"path": "b"}'},
            },
        ],
    }
    answer = completion(message, "tool_calls", usage=usage(30, 9))
    server = FakeServer(body(answer, "application/json; charset=utf-8"))

    assert await run(server) == [
        ReasoningDelta("Two files."),
        TextDelta("Reading both."),
        ToolCallDelta(ToolCall(id="same", name="read_file", arguments='{"path": "a"}')),
        ToolCallDelta(ToolCall(id="same", name="read_file", arguments='{"path": "b"}')),
        UsageDelta(Usage(prompt_tokens=30, completion_tokens=9)),
        Finish("tool_calls"),
    ]
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("reply", "described"),
    [
        (body("<!DOCTYPE html><html><body>Sign in</body></html>", "text/html"), "an HTML page (text/html)"),
        (body("<html><body>hi</body></html>", "text/plain"), "an HTML page (text/plain)"),
        (
            body("<html><head><TITLE>\n Open WebUI &amp; Co\n</TITLE></head></html>", "text/html"),
            'an HTML page (text/html, titled "Open WebUI & Co")',
        ),
        (body("OK", "text/plain"), "text/plain: 'OK'"),
        (body("", "application/octet-stream"), "an empty application/octet-stream body"),
        (body('{"models": []}', "application/json"), 'JSON that is not a chat completion: {"models": []}'),
    ],
)
async def test_an_answer_that_is_not_chat_completions_fails_at_once(reply: Any, described: str) -> None:
    server = FakeServer(reply)
    with pytest.raises(ModelError) as failure:
        await run(server)
    assert failure.value.kind == "not_chat_endpoint"
    assert f"is not a chat-completions endpoint: it answered with {described}; check the base URL" in str(
        failure.value
    )
    assert len(server.requests) == 1


async def test_an_event_stream_under_a_wrong_content_type_still_works() -> None:
    stream = chunk({"content": "Hel"}) + chunk({"content": "lo"}, finish="stop") + DONE
    deltas = await run(FakeServer(body(stream, "text/plain")))
    assert [d for d in deltas if isinstance(d, TextDelta)] == [TextDelta("Hel"), TextDelta("lo")]


async def test_a_json_error_object_in_a_200_is_the_servers_error() -> None:
    server = FakeServer(body('{"error": {"message": "model not loaded", "code": 404}}', "application/json"))
    with pytest.raises(ModelError) as failure:
        await run(server)
    assert (failure.value.kind, "model not loaded" in failure.value.message) == ("bad_request", True)


async def test_a_body_its_content_encoding_does_not_describe_is_a_protocol_failure() -> None:
    garbage = body(
        b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03not deflate",
        "text/event-stream",
        {"content-encoding": "gzip"},
    )
    server = FakeServer(garbage, GOOD)

    deltas = await run(server)

    [retry] = [d for d in deltas if isinstance(d, Retrying)]
    assert retry.reason.startswith("the server's gzip body could not be decoded")
    assert deltas[-1] == Finish("stop")


@pytest.mark.parametrize(
    "events",
    [
        [DONE],
        [],
        [chunk(no_choices=True, usage=usage(3, 0)), DONE],
        # Only the opening role chunk, then [DONE]: no finish, no words. Not an empty answer.
        [chunk({"role": "assistant"}), DONE],
    ],
)
async def test_a_stream_without_any_answer_is_a_protocol_failure(events: list[bytes]) -> None:
    server = FakeServer(*[sse(*events) for _ in range(2)])
    with pytest.raises(ModelError) as failure:
        await run(server, attempts=2)
    assert failure.value.kind == "protocol"
    assert "the server ended the stream without an answer" in failure.value.message


async def test_an_empty_answer_the_model_gave_is_not_a_failure() -> None:
    deltas = await run(FakeServer(sse(chunk({"role": "assistant", "content": ""}, finish="stop"), DONE)))
    assert deltas == [Finish("stop")]


async def test_the_endpoints_refusal_comes_with_the_finish() -> None:
    refused = sse(
        chunk({"refusal": "I can't help "}),
        chunk({"refusal": "with that."}),
        chunk({}, finish="content_filter"),
        DONE,
    )
    deltas = await run(FakeServer(refused))
    assert deltas == [Finish("content_filter", refusal="I can't help with that.")]

"""Recorded streams from Mistral, vLLM and llama.cpp → the deltas the agent sees."""

from __future__ import annotations

import asyncio
import json

import pytest

from model.model_fakes import DONE, MODEL, FakeServer, chunk, chunk_json, collect, make_client, sse, usage
from vibe.messages import ToolCall, Usage, UserMessage
from vibe.model.deltas import (
    Delta,
    Finish,
    ReasoningDelta,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)
from vibe.model.types import Endpoint, Sampling

MISTRAL_TEXT = [
    chunk({"role": "assistant", "content": ""}),
    chunk({"content": "Hel"}),
    chunk({"content": "lo!"}),
    chunk({"content": ""}, finish="stop", usage=usage(12, 3)),
]

# Mistral: each call whole in one delta, `index` 0 for both, finish and usage in the last chunk.
MISTRAL_TOOL_CALLS = [
    chunk({"role": "assistant", "content": "Reading both."}),
    chunk(
        {
            "tool_calls": [
                {
                    "id": "D681PevKs",
                    "function": {"name": "read_file", "arguments": '{"path": "a.py"}'},
                    "index": 0,
                }
            ]
        }
    ),
    chunk(
        {
            "tool_calls": [
                {
                    "id": "K9xq2LmNp",
                    "function": {"name": "read_file", "arguments": {"path": "b.py"}},
                    "index": 0,
                }
            ]
        },
        finish="tool_calls",
        usage=usage(250, 40),
    ),
]

# vLLM: index-keyed fragments interleaved, a finish chunk, then a usage-only chunk.
VLLM_FRAGMENTS = [
    chunk({"role": "assistant", "content": None}),
    chunk(
        {
            "tool_calls": [
                {
                    "index": 0,
                    "id": "chatcmpl-tool-a1",
                    "type": "function",
                    "function": {"name": "grep", "arguments": ""},
                }
            ]
        }
    ),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"pattern": '}}]}),
    chunk(
        {
            "tool_calls": [
                {
                    "index": 1,
                    "id": "chatcmpl-tool-b2",
                    "type": "function",
                    "function": {"name": "glob", "arguments": '{"pattern"'},
                }
            ]
        }
    ),
    chunk({"tool_calls": [{"index": 0, "function": {"arguments": '"TODO"}'}}]}),
    chunk({"tool_calls": [{"index": 1, "function": {"arguments": ': "*.py"}'}}]}),
    chunk({}, finish="tool_calls"),
    chunk(no_choices=True, usage=usage(300, 25)),
]


async def run(
    *events: bytes, piece_size: int | None = None, done: bool = True
) -> tuple[list[Delta], FakeServer]:
    server = FakeServer(sse(*events, *([DONE] if done else []), piece_size=piece_size))
    client = make_client(server)
    try:
        return await collect(client), server
    finally:
        await client.aclose()


async def test_mistral_text_stream() -> None:
    deltas, _ = await run(*MISTRAL_TEXT)
    assert deltas == [
        TextDelta("Hel"),
        TextDelta("lo!"),
        UsageDelta(Usage(prompt_tokens=12, completion_tokens=3)),
        Finish("stop"),
    ]


async def test_mistral_whole_tool_calls_sharing_index_zero_stay_separate() -> None:
    deltas, _ = await run(*MISTRAL_TOOL_CALLS)
    assert deltas == [
        TextDelta("Reading both."),
        ToolCallDelta(ToolCall(id="D681PevKs", name="read_file", arguments='{"path": "a.py"}')),
        # Arguments sent as a JSON object are normalised to text.
        ToolCallDelta(ToolCall(id="K9xq2LmNp", name="read_file", arguments='{"path": "b.py"}')),
        UsageDelta(Usage(prompt_tokens=250, completion_tokens=40)),
        Finish("tool_calls"),
    ]


async def test_openai_style_fragments_are_assembled_and_late_usage_is_kept() -> None:
    deltas, _ = await run(*VLLM_FRAGMENTS)
    assert deltas == [
        ToolCallDelta(ToolCall(id="chatcmpl-tool-a1", name="grep", arguments='{"pattern": "TODO"}')),
        ToolCallDelta(ToolCall(id="chatcmpl-tool-b2", name="glob", arguments='{"pattern": "*.py"}')),
        UsageDelta(Usage(prompt_tokens=300, completion_tokens=25)),
        Finish("tool_calls"),
    ]
    for delta in deltas:
        if isinstance(delta, ToolCallDelta):
            json.loads(delta.call.arguments)


@pytest.mark.parametrize("piece_size", [1, 3, 17])
async def test_tiny_network_pieces_give_the_same_deltas(piece_size: int) -> None:
    whole, _ = await run(*VLLM_FRAGMENTS, *MISTRAL_TEXT[1:3])
    pieces, _ = await run(*VLLM_FRAGMENTS, *MISTRAL_TEXT[1:3], piece_size=piece_size)
    assert pieces == whole


async def test_crlf_framing_and_keepalive_comments() -> None:
    framed = b"".join(event.replace(b"\n", b"\r\n") for event in MISTRAL_TEXT)
    deltas, _ = await run(b": ping\r\n\r\n", framed, piece_size=5)
    assert [d for d in deltas if isinstance(d, TextDelta)] == [TextDelta("Hel"), TextDelta("lo!")]


async def test_magistral_thinking_chunks_become_reasoning() -> None:
    deltas, _ = await run(
        chunk(
            {
                "role": "assistant",
                "content": [{"type": "thinking", "thinking": [{"type": "text", "text": "The user "}]}],
            }
        ),
        chunk({"content": [{"type": "thinking", "thinking": [{"type": "text", "text": "greets me."}]}]}),
        chunk({"content": [{"type": "text", "text": "Hello"}]}),
        chunk({"content": "!"}, finish="stop", usage=usage(5, 9)),
    )
    assert deltas[:4] == [
        ReasoningDelta("The user "),
        ReasoningDelta("greets me."),
        TextDelta("Hello"),
        TextDelta("!"),
    ]


async def test_reasoning_content_and_reasoning_fields() -> None:
    deltas, _ = await run(
        chunk({"role": "assistant", "reasoning_content": "think"}),
        chunk({"reasoning": "ing", "reasoning_content": None}),
        chunk({"reasoning": "same", "reasoning_content": "same"}),  # vLLM versions that send both
        chunk({"content": "ok"}, finish="stop"),
    )
    assert deltas == [
        ReasoningDelta("think"),
        ReasoningDelta("ing"),
        ReasoningDelta("same"),
        TextDelta("ok"),
        Finish("stop"),
    ]


async def test_stream_ending_after_finish_without_done_is_accepted() -> None:
    deltas, server = await run(*MISTRAL_TEXT, done=False)
    assert deltas[-1] == Finish("stop")
    assert len(server.requests) == 1


async def test_llama_cpp_saying_stop_with_tool_calls_finishes_as_tool_calls() -> None:
    deltas, _ = await run(
        chunk(
            {
                "role": "assistant",
                "tool_calls": [{"index": 0, "id": "x1", "function": {"name": "ls", "arguments": ""}}],
            }
        ),
        chunk({}, finish="stop"),
    )
    assert deltas == [ToolCallDelta(ToolCall(id="x1", name="ls", arguments="{}")), Finish("tool_calls")]


@pytest.mark.parametrize(
    ("wire_reason", "reason"),
    [
        ("stop", "stop"),
        ("length", "length"),
        ("model_length", "length"),
        ("content_filter", "content_filter"),
        ("error", "error"),
        ("something_new", "unknown"),
    ],
)
async def test_finish_reasons(wire_reason: str, reason: str) -> None:
    deltas, _ = await run(chunk({"content": "x"}, finish=wire_reason))
    assert deltas[-1] == Finish(reason)  # type: ignore[arg-type]
    assert sum(isinstance(delta, Finish) for delta in deltas) == 1


async def test_text_is_yielded_live_and_closing_early_closes_the_response() -> None:
    server = FakeServer(sse(chunk({"role": "assistant", "content": "first words"}), stall=True))
    client = make_client(server)
    try:
        stream = client.stream([UserMessage(content="hi")], [], Sampling(model=MODEL))
        assert await anext(stream) == TextDelta("first words")  # before the response is over
        await stream.aclose()  # type: ignore[attr-defined]
        assert server.stream_of(0).closed
    finally:
        await client.aclose()


async def test_cancelling_the_consumer_closes_the_response() -> None:
    server = FakeServer(sse(chunk({"role": "assistant", "content": "partial"}), stall=True))
    client = make_client(server, endpoint=Endpoint(base_url="http://127.0.0.1:8000/v1", idle_timeout=30))
    received: list[Delta] = []

    async def consume() -> None:
        async for delta in client.stream([UserMessage(content="hi")], [], Sampling(model=MODEL)):
            received.append(delta)

    try:
        task = asyncio.create_task(consume())
        await server.stalled.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert received == [TextDelta("partial")]
        assert server.stream_of(0).closed
    finally:
        await client.aclose()


def fragment(index: int | None, call_id: str | None, name: str | None, arguments: str) -> dict[str, object]:
    function: dict[str, str] = {"arguments": arguments}
    if name is not None:
        function["name"] = name
    found: dict[str, object] = {"function": function}
    if index is not None:
        found["index"] = index
    if call_id is not None:
        found["id"] = call_id
    return found


async def test_two_calls_with_one_id_at_two_indexes_stay_apart() -> None:
    deltas, _ = await run(
        chunk({"tool_calls": [fragment(0, "same", "glob", "")]}),
        chunk({"tool_calls": [fragment(0, None, None, '{"pattern": "*.md"}')]}),
        chunk({"tool_calls": [fragment(1, "same", "glob", "")]}),
        chunk({"tool_calls": [fragment(1, None, None, '{"pattern": "*.py"}')]}),
        chunk({}, finish="tool_calls"),
    )
    assert [d.call for d in deltas if isinstance(d, ToolCallDelta)] == [
        ToolCall(id="same", name="glob", arguments='{"pattern": "*.md"}'),
        ToolCall(id="same", name="glob", arguments='{"pattern": "*.py"}'),
    ]


async def test_two_whole_calls_with_one_id_at_index_zero_stay_apart() -> None:
    deltas, _ = await run(
        chunk({"tool_calls": [fragment(0, "same", "glob", '{"pattern": "*.md"}')]}),
        chunk({"tool_calls": [fragment(0, "same", "grep", '{"pattern": "x"}')]}, finish="tool_calls"),
    )
    assert [d.call for d in deltas if isinstance(d, ToolCallDelta)] == [
        ToolCall(id="same", name="glob", arguments='{"pattern": "*.md"}'),
        ToolCall(id="same", name="grep", arguments='{"pattern": "x"}'),
    ]


async def test_a_server_repeating_id_and_name_on_every_fragment_builds_one_call() -> None:
    deltas, _ = await run(
        chunk({"tool_calls": [fragment(0, "abc", "glob", "")]}),
        chunk({"tool_calls": [fragment(0, "abc", "glob", '{"pattern"')]}),
        chunk({"tool_calls": [fragment(0, "abc", "glob", ': "*.md"}')]}),
        chunk({}, finish="tool_calls"),
    )
    assert [d.call for d in deltas if isinstance(d, ToolCallDelta)] == [
        ToolCall(id="abc", name="glob", arguments='{"pattern": "*.md"}')
    ]


async def test_calls_after_the_first_finish_reason_are_kept() -> None:
    deltas, _ = await run(
        chunk({"content": "Looking."}),
        chunk({"content": ""}, finish="stop"),
        chunk({"tool_calls": [fragment(0, "late1", "glob", '{"pattern": "*"}')]}, usage=usage(9, 4)),
    )
    assert deltas == [
        TextDelta("Looking."),
        ToolCallDelta(ToolCall(id="late1", name="glob", arguments='{"pattern": "*"}')),
        UsageDelta(Usage(prompt_tokens=9, completion_tokens=4)),
        Finish("tool_calls"),
    ]


async def test_a_content_filter_stop_carries_the_refusal_and_the_filters_that_fired() -> None:
    verdicts = {"hate": {"filtered": False}, "self_harm": {"filtered": True, "severity": "medium"}}
    finish = chunk_json({}, "content_filter")
    finish["choices"][0]["content_filter_results"] = verdicts
    deltas, _ = await run(
        chunk({"refusal": "I can't "}),
        chunk({"refusal": "help with that."}),
        b"data: " + json.dumps(finish).encode() + b"\n\n",
    )
    assert deltas[-1] == Finish("content_filter", "I can't help with that.; filtered: self_harm (medium)")

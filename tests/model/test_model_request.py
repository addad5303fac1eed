"""What goes over the wire: request body, headers, and the history in each reasoning dialect."""

from __future__ import annotations

from model.model_fakes import BASE_URL, DONE, MODEL, FakeServer, chunk, make_client, sse, status
from vibe.messages import AssistantMessage, Message, SystemMessage, ToolCall, ToolMessage, UserMessage
from vibe.model.deltas import Retrying
from vibe.model.types import Endpoint, Sampling, ToolSpec
from vibe.model.wire import build_request_body, message_to_wire
from vibe.notes import NO_REPLY

READ_FILE = ToolSpec(
    name="read_file",
    description="Read a file.",
    parameters={"type": "object", "properties": {"path": {"type": "string"}}, "required": ["path"]},
)


def answer() -> FakeServer:
    return FakeServer(sse(chunk({"role": "assistant", "content": "hi"}, finish="stop"), DONE))


async def test_request_carries_model_tools_sampling_auth_and_sanitized_history() -> None:
    server = answer()
    client = make_client(
        server, endpoint=Endpoint(base_url=BASE_URL + "/", api_key="sk-test-123", headers={"X-Team": "core"})
    )
    history: list[Message] = [
        SystemMessage(content="You are vibe."),
        UserMessage(content="read a.py"),
        AssistantMessage(
            tool_calls=(ToolCall(id="abcDEF123", name="read_file", arguments='{"path":"a.py"}'),)
        ),
        ToolMessage(tool_call_id="abcDEF123", name="read_file", content="print(1)"),
        UserMessage(content="and now?"),
    ]
    sampling = Sampling(model=MODEL, temperature=0.2, max_tokens=512, parallel_tool_calls=False)
    try:
        _ = [delta async for delta in client.stream(history, [READ_FILE], sampling)]
    finally:
        await client.aclose()

    request = server.requests[0]
    assert (request.method, str(request.url)) == ("POST", f"{BASE_URL}/chat/completions")
    assert request.headers["authorization"] == "Bearer sk-test-123"
    assert request.headers["x-team"] == "core"
    assert request.headers["user-agent"].startswith("vibe/")
    assert request.headers["accept"] == "text/event-stream"
    assert server.body() == {
        "model": MODEL,
        "stream": True,
        "stream_options": {"include_usage": True},
        "temperature": 0.2,
        "max_tokens": 512,
        "parallel_tool_calls": False,
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "read_file",
                    "description": "Read a file.",
                    "parameters": READ_FILE.parameters,
                },
            }
        ],
        "messages": [
            {"role": "system", "content": "You are vibe."},
            {"role": "user", "content": "read a.py"},
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [
                    {
                        "id": "abcDEF123",
                        "type": "function",
                        "function": {"name": "read_file", "arguments": '{"path":"a.py"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "abcDEF123", "name": "read_file", "content": "print(1)"},
            {"role": "assistant", "content": NO_REPLY},
            {"role": "user", "content": "and now?"},
        ],
    }


async def test_without_tools_or_sampling_options_those_fields_are_absent() -> None:
    server = answer()
    client = make_client(server, endpoint=Endpoint(base_url=BASE_URL))
    try:
        _ = [delta async for delta in client.stream([UserMessage(content="hi")], [], Sampling(model=MODEL))]
    finally:
        await client.aclose()
    body = server.body()
    assert set(body) == {"model", "stream", "stream_options", "messages"}
    assert "authorization" not in server.requests[0].headers


async def test_mistral_api_host_is_not_sent_stream_options() -> None:
    server = answer()
    client = make_client(server, endpoint=Endpoint(base_url="https://api.mistral.ai/v1", api_key="k"))
    try:
        _ = [delta async for delta in client.stream([UserMessage(content="hi")], [], Sampling(model=MODEL))]
    finally:
        await client.aclose()
    assert "stream_options" not in server.body()
    assert str(server.requests[0].url) == "https://api.mistral.ai/v1/chat/completions"


async def test_server_rejecting_stream_options_is_asked_again_without_it() -> None:
    # Mistral's answer to unknown fields (seen in client bug reports) when it sits behind a proxy URL.
    rejection = {
        "object": "error",
        "message": {
            "detail": [
                {
                    "type": "extra_forbidden",
                    "loc": ["body", "stream_options"],
                    "msg": "Extra inputs are not permitted",
                }
            ]
        },
        "type": "invalid_request_error",
    }
    server = FakeServer(status(422, rejection), *answer().replies)
    client = make_client(server)
    try:
        deltas = [
            delta async for delta in client.stream([UserMessage(content="hi")], [], Sampling(model=MODEL))
        ]
    finally:
        await client.aclose()
    assert "stream_options" in server.body(0)
    assert "stream_options" not in server.body(1)
    assert not any(isinstance(delta, Retrying) for delta in deltas)


def test_reasoning_goes_back_as_a_thinking_chunk_for_mistral() -> None:
    message = AssistantMessage(content="The answer is 4.", reasoning="2+2 is 4.")
    assert message_to_wire(message, "mistral") == {
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": [{"type": "text", "text": "2+2 is 4."}]},
            {"type": "text", "text": "The answer is 4."},
        ],
    }


def test_reasoning_goes_back_as_reasoning_content_for_openai_style_servers() -> None:
    message = AssistantMessage(
        content="",
        reasoning="need the file",
        tool_calls=(ToolCall(id="abcDEF123", name="ls", arguments="{}"),),
    )
    assert message_to_wire(message, "openai") == {
        "role": "assistant",
        "content": "",
        "reasoning_content": "need the file",
        "tool_calls": [
            {"id": "abcDEF123", "type": "function", "function": {"name": "ls", "arguments": "{}"}}
        ],
    }


def test_reasoning_only_assistant_with_calls_in_mistral_dialect_has_just_the_thinking_chunk() -> None:
    message = AssistantMessage(
        reasoning="hmm", tool_calls=(ToolCall(id="abcDEF123", name="ls", arguments="{}"),)
    )
    wire = message_to_wire(message, "mistral")
    assert wire["content"] == [{"type": "thinking", "thinking": [{"type": "text", "text": "hmm"}]}]
    assert wire["tool_calls"][0]["id"] == "abcDEF123"


def test_reasoning_format_option_reaches_the_body() -> None:
    history: list[Message] = [UserMessage(content="q"), AssistantMessage(content="a", reasoning="r")]
    body = build_request_body(history, [], Sampling(model=MODEL), reasoning_format="openai")
    assert body["messages"][1] == {"role": "assistant", "content": "a", "reasoning_content": "r"}

"""The scripted endpoint, driven over its real socket with httpx (and raw sockets for teardown)."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tools.fake_mistral import EXHAUSTED_TEXT, FakeMistral, call, fault, reply

REPO_ROOT = Path(__file__).resolve().parents[2]
MISTRAL_ID = re.compile(r"^[A-Za-z0-9]{9}$")
USER_HI = [{"role": "user", "content": "hi"}]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as http:
        yield http


def post_chat(
    http: httpx.Client, server: FakeMistral, messages: list[dict[str, Any]] | None = None, **body: Any
) -> httpx.Response:
    payload = {"model": server.model, "stream": True, "messages": messages or USER_HI, **body}
    return http.post(f"{server.base_url}/chat/completions", json=payload)


def data_lines(response: httpx.Response) -> list[str]:
    return [line[len("data: ") :] for line in response.text.split("\n") if line.startswith("data: ")]


def chunks(response: httpx.Response) -> list[dict[str, Any]]:
    """Every `data:` payload as JSON; the stream must end with exactly one `[DONE]`."""
    lines = data_lines(response)
    assert lines[-1] == "[DONE]"
    assert lines.count("[DONE]") == 1
    return [json.loads(line) for line in lines[:-1]]


def deltas(parsed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c["choices"][0]["delta"] for c in parsed if c["choices"]]


def test_text_reply_streams_in_mistral_shape(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.script(reply("Looking at the file.", chunk_size=4))

    response = post_chat(client, fake_mistral)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    parsed = chunks(response)
    assert {c["object"] for c in parsed} == {"chat.completion.chunk"}
    assert len({c["id"] for c in parsed}) == 1
    assert {c["model"] for c in parsed} == {"devstral-test"}
    assert deltas(parsed)[0] == {"role": "assistant", "content": ""}
    texts = [d["content"] for d in deltas(parsed)[1:-1]]
    assert texts == ["Look", "ing ", "at t", "he f", "ile."]
    assert [c["choices"][0]["finish_reason"] for c in parsed] == [None] * 6 + ["stop"]
    assert ["usage" in c for c in parsed] == [False] * 6 + [True]
    usage = parsed[-1]["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_tool_calls_arrive_whole_in_the_final_chunk(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    first, second = call("read_file", {"path": "a.py"}), call("grep", {"pattern": "def "})
    fake_mistral.script(reply("", tool_calls=[first, second], usage=(120, 30)))

    parsed = chunks(post_chat(client, fake_mistral))

    last = parsed[-1]
    assert last["choices"][0]["finish_reason"] == "tool_calls"
    assert last["usage"] == {"prompt_tokens": 120, "total_tokens": 150, "completion_tokens": 30}
    calls = last["choices"][0]["delta"]["tool_calls"]
    assert [c["id"] for c in calls] == [first.id, second.id]
    assert all(MISTRAL_ID.match(c["id"]) for c in calls)
    assert [c["function"]["name"] for c in calls] == ["read_file", "grep"]
    assert [json.loads(c["function"]["arguments"]) for c in calls] == [{"path": "a.py"}, {"pattern": "def "}]
    assert all("tool_calls" not in d for d in deltas(parsed)[:-1])


def test_call_ids_are_unique_mistral_shaped_and_can_be_fixed() -> None:
    ids = [call("read_file").id for _ in range(500)]
    assert len(set(ids)) == 500
    assert all(MISTRAL_ID.match(i) for i in ids)
    assert call("read_file", {}, id="D681PevKs").id == "D681PevKs"
    assert call("raw", "{not json").arguments == "{not json"


def test_reasoning_streams_thinking_chunks_then_text_chunks(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    fake_mistral.script(reply("Done.", reasoning="I should check the tests first.", chunk_size=10))

    contents = [d["content"] for d in deltas(chunks(post_chat(client, fake_mistral)))[1:-1]]

    thinking = [c for c in contents if c[0]["type"] == "thinking"]
    text = [c for c in contents if c[0]["type"] == "text"]
    assert contents == thinking + text
    assert "".join(c[0]["thinking"][0]["text"] for c in thinking) == "I should check the tests first."
    assert {c[0]["thinking"][0]["type"] for c in thinking} == {"text"}
    assert "".join(c[0]["text"] for c in text) == "Done."


def test_openai_style_sends_fragments_and_a_separate_usage_chunk(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    read = call("read_file", {"path": "src/main.py"})
    fake_mistral.script(reply("Ok.", tool_calls=[read], reasoning="hmm", style="openai", chunk_size=5))

    parsed = chunks(post_chat(client, fake_mistral))

    assert parsed[0]["id"].startswith("chatcmpl-")
    all_deltas = deltas(parsed)
    assert "".join(d.get("reasoning_content", "") for d in all_deltas) == "hmm"
    fragments = [f for d in all_deltas for f in d.get("tool_calls", [])]
    assert fragments[0] == {
        "index": 0,
        "id": read.id,
        "type": "function",
        "function": {"name": "read_file", "arguments": ""},
    }
    assert all(set(f) == {"index", "function"} and f["index"] == 0 for f in fragments[1:])
    assert len(fragments) > 2
    assert "".join(f["function"]["arguments"] for f in fragments) == read.arguments
    finish_chunk, usage_chunk = parsed[-2], parsed[-1]
    assert finish_chunk["choices"][0] == {"index": 0, "delta": {}, "finish_reason": "tool_calls"}
    assert "usage" not in finish_chunk
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["completion_tokens"] > 0


def test_finish_reason_can_be_overridden(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.script(reply("truncat", finish="length"))

    assert chunks(post_chat(client, fake_mistral))[-1]["choices"][0]["finish_reason"] == "length"


@pytest.mark.parametrize(
    ("step", "status", "retry_after", "error_type"),
    [
        (fault.status(429, retry_after=0), 429, "0", "rate_limited"),
        (fault.status(429, retry_after=2.5), 429, "2.5", "rate_limited"),
        (fault.status(503), 503, None, "internal_server_error"),
    ],
)
def test_status_faults_answer_with_mistral_error_bodies(
    fake_mistral: FakeMistral,
    client: httpx.Client,
    step: fault.StatusFault,
    status: int,
    retry_after: str | None,
    error_type: str,
) -> None:
    fake_mistral.script(step, reply("recovered"))

    failed = post_chat(client, fake_mistral)
    recovered = post_chat(client, fake_mistral)

    assert failed.status_code == status
    assert failed.headers.get("retry-after") == retry_after
    assert failed.json()["object"] == "error"
    assert failed.json()["type"] == error_type
    assert recovered.status_code == 200
    assert [r.answered_by for r in fake_mistral.requests] == [f"fault:{status}", "reply"]


def test_scripted_401_uses_mistrals_auth_error_shape(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.script(fault.status(401, message="Unauthorized"))

    response = post_chat(client, fake_mistral)

    assert response.status_code == 401
    assert set(response.json()) == {"message", "request_id"}
    assert response.json()["message"] == "Unauthorized"


def test_drop_closes_the_connection_mid_stream(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.script(fault.drop_after("partial te", chunk_size=4), reply("after the drop"))
    received: list[str] = []

    with (
        pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)),
        client.stream(
            "POST", f"{fake_mistral.base_url}/chat/completions", json={"stream": True, "messages": USER_HI}
        ) as response,
    ):
        received.extend(line for line in response.iter_lines() if line.startswith("data: "))

    streamed = [json.loads(line[6:])["choices"][0]["delta"]["content"] for line in received]
    assert "".join(streamed) == "partial te"
    assert "[DONE]" not in received
    # The server itself is fine: the next request gets the next step.
    assert "".join(d.get("content", "") for d in deltas(chunks(post_chat(client, fake_mistral)))) == (
        "after the drop"
    )


def test_stall_sends_text_then_nothing(fake_mistral: FakeMistral) -> None:
    fake_mistral.script(fault.stall_after("partial", seconds=30))
    received: list[str] = []
    timeout = httpx.Timeout(5.0, read=0.3)

    with (
        httpx.Client(timeout=timeout) as http,
        pytest.raises(httpx.ReadTimeout),
        http.stream(
            "POST", f"{fake_mistral.base_url}/chat/completions", json={"stream": True, "messages": USER_HI}
        ) as response,
    ):
        received.extend(line for line in response.iter_lines() if line.startswith("data: "))

    assert "".join(json.loads(line[6:])["choices"][0]["delta"]["content"] for line in received) == "partial"


def test_stop_does_not_hang_on_a_stalled_connection() -> None:
    server = FakeMistral().start()
    server.script(fault.stall_after("partial", seconds=60))
    body = json.dumps({"stream": True, "messages": USER_HI}).encode()
    head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(head.encode() + body)
        seen = b""
        while b"partial" not in seen:
            data = sock.recv(65536)
            assert data, "the server closed before the stall"
            seen += data

        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2.0

        # Closed without the terminating chunk; an abort may also surface as a reset.
        with contextlib.suppress(ConnectionResetError):
            assert sock.recv(65536) == b""


def test_malformed_chunk_sits_mid_stream(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.script(fault.malformed("before"))

    lines = data_lines(post_chat(client, fake_mistral))

    assert "{not json" in lines
    bad = lines.index("{not json")
    assert 0 < bad < len(lines) - 2
    assert lines[-1] == "[DONE]"
    for line in lines[:bad] + lines[bad + 1 : -1]:
        json.loads(line)


def test_models_lists_the_configured_model() -> None:
    with FakeMistral(model="magistral-test", context_length=40000) as server, httpx.Client() as http:
        listing = http.get(f"{server.base_url}/models").json()
        single = http.get(f"{server.base_url}/models/magistral-test").json()

    assert listing["object"] == "list"
    [card] = listing["data"]
    assert card["id"] == "magistral-test"
    assert card["object"] == "model"
    assert card["max_context_length"] == 40000
    assert card["capabilities"]["function_calling"] is True
    assert single == card


def test_unknown_paths_get_a_json_404(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    response = client.get(f"{fake_mistral.base_url}/embeddings")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_api_key_is_checked_and_rejected_requests_consume_no_step() -> None:
    with FakeMistral(api_key="sekret") as server, httpx.Client() as http:
        server.script(reply("welcome"))
        url = f"{server.base_url}/chat/completions"
        body = {"stream": True, "messages": USER_HI}
        anonymous = http.post(url, json=body)
        wrong = http.post(url, json=body, headers={"Authorization": "Bearer nope"})
        models = http.get(f"{server.base_url}/models")
        right = http.post(url, json=body, headers={"Authorization": "Bearer sekret"})
        answered = [r.answered_by for r in server.requests]

    assert anonymous.status_code == wrong.status_code == models.status_code == 401
    assert anonymous.json()["message"] == "Unauthorized"
    assert re.fullmatch(r"[0-9a-f]{32}", anonymous.json()["request_id"])
    assert right.status_code == 200
    assert "welcome" in right.text
    assert answered == ["unauthorized", "unauthorized", "reply"]


def test_requests_are_recorded(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.script(reply("one"), reply("two"))
    tools = [{"type": "function", "function": {"name": "read_file", "parameters": {"type": "object"}}}]
    history: list[dict[str, Any]] = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "read a.py"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {"id": "abcDEF123", "type": "function", "function": {"name": "read_file", "arguments": "{}"}}
            ],
        },
        {"role": "tool", "tool_call_id": "abcDEF123", "name": "read_file", "content": "print('hi')"},
        {"role": "user", "content": [{"type": "text", "text": "and now?"}]},
    ]

    post_chat(client, fake_mistral, USER_HI)
    post_chat(client, fake_mistral, history, tools=tools, temperature=0.2)

    first, second = fake_mistral.wait_for_requests(2)
    assert first.last_user_text == "hi"
    assert first.tools == []
    assert second.messages == history
    assert second.tool_names == ["read_file"]
    assert second.last_user_text == "and now?"
    assert second.tool_results == ["print('hi')"]
    assert second.body["temperature"] == 0.2
    assert second.stream is True
    assert second.headers["content-type"] == "application/json"


def test_wait_for_requests_gives_up_at_its_timeout(fake_mistral: FakeMistral) -> None:
    with pytest.raises(TimeoutError, match="got 0"):
        fake_mistral.wait_for_requests(1, timeout=0.05)


def test_dynamic_step_builds_its_reply_from_the_request(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    fake_mistral.script(lambda request: reply(f"you said {request.last_user_text}"))

    response = post_chat(client, fake_mistral, [{"role": "user", "content": "bonjour"}])

    assert "".join(d.get("content", "") for d in deltas(chunks(response))) == "you said bonjour"


def test_a_failing_dynamic_step_answers_500(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    fake_mistral.script(lambda request: reply(request.body["missing"]))

    response = post_chat(client, fake_mistral)

    assert response.status_code == 500
    assert "KeyError" in response.json()["message"]
    assert fake_mistral.requests[0].answered_by == "error"


def test_exhausted_script_answers_a_fixed_text_and_says_so(
    fake_mistral: FakeMistral, client: httpx.Client
) -> None:
    fake_mistral.script(reply("only step"))

    post_chat(client, fake_mistral)
    assert not fake_mistral.script_exhausted
    assert fake_mistral.remaining_steps == 0
    extra = post_chat(client, fake_mistral)

    assert "".join(d.get("content", "") for d in deltas(chunks(extra))) == EXHAUSTED_TEXT
    assert fake_mistral.script_exhausted


def test_without_a_script_the_server_echoes(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    response = post_chat(client, fake_mistral, [{"role": "user", "content": "hello"}])

    assert "".join(d.get("content", "") for d in deltas(chunks(response))) == "echo: hello"
    assert not fake_mistral.script_exhausted


def test_non_streamed_completion(fake_mistral: FakeMistral, client: httpx.Client) -> None:
    read = call("read_file", {"path": "a.py"})
    fake_mistral.script(reply("Reading.", tool_calls=[read]))

    body = post_chat(client, fake_mistral, stream=False).json()

    assert body["object"] == "chat.completion"
    [choice] = body["choices"]
    assert choice["finish_reason"] == "tool_calls"
    assert choice["message"]["content"] == "Reading."
    assert choice["message"]["tool_calls"][0]["id"] == read.id
    assert json.loads(choice["message"]["tool_calls"][0]["function"]["arguments"]) == {"path": "a.py"}
    assert body["usage"]["prompt_tokens"] > 0


async def test_usable_from_async_tests(fake_mistral: FakeMistral) -> None:
    fake_mistral.script(reply("async works", chunk_size=3))
    pieces: list[str] = []

    async with (
        httpx.AsyncClient(timeout=5.0) as http,
        http.stream(
            "POST", f"{fake_mistral.base_url}/chat/completions", json={"stream": True, "messages": USER_HI}
        ) as response,
    ):
        async for line in response.aiter_lines():
            if line.startswith("data: {"):
                pieces.append(json.loads(line[6:])["choices"][0]["delta"].get("content", ""))

    assert "".join(pieces) == "async works"
    assert len(pieces) > 3


def test_json_script_file(tmp_path: Path) -> None:
    script = tmp_path / "steps.json"
    steps = [
        {"fault": "429", "retry_after": 1},
        {"text": "", "tool_calls": [{"name": "read_file", "arguments": {"path": "a.py"}, "id": "D681PevKs"}]},
        {"text": "Done.", "reasoning": "checked"},
    ]
    script.write_text(json.dumps({"model": "from-file", "steps": steps}))

    with FakeMistral.from_json(script) as server, httpx.Client() as http:
        limited = post_chat(http, server)
        tool = chunks(post_chat(http, server))
        done = chunks(post_chat(http, server))

    assert server.model == "from-file"
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert tool[-1]["choices"][0]["delta"]["tool_calls"][0]["id"] == "D681PevKs"
    assert done[-1]["choices"][0]["finish_reason"] == "stop"
    assert not server.script_exhausted


def test_command_line_serves_until_sigterm(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tools.fake_mistral", "--port", "0", "--quiet", "--model", "cli-model"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", base_url)
        with httpx.Client(timeout=5.0) as http:
            echoed = http.post(f"{base_url}/chat/completions", json={"stream": True, "messages": USER_HI})
            models = http.get(f"{base_url}/models").json()
        assert "echo: hi" in "".join(
            json.loads(line)["choices"][0]["delta"].get("content", "")
            for line in data_lines(echoed)
            if line != "[DONE]"
        )
        assert models["data"][0]["id"] == "cli-model"

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

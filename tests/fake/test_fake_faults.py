"""The endpoint misbehaviours added for issue 16, checked over the fake server's real socket."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tools.fake_mistral import FakeMistral, call, fault, reply
from tools.fake_mistral.script import load_json_script

USER_HI = [{"role": "user", "content": "hi"}]


def chat_request(server: FakeMistral) -> bytes:
    body = json.dumps({"stream": True, "messages": USER_HI}).encode()
    head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def post(server: FakeMistral, **body: Any) -> httpx.Response:
    payload = {"model": server.model, "stream": True, "messages": USER_HI, **body}
    with httpx.Client(timeout=5.0) as http:
        return http.post(f"{server.base_url}/chat/completions", json=payload)


def data_payloads(response: httpx.Response) -> list[str]:
    return [line[6:] for line in response.text.split("\n") if line.startswith("data: ")]


@pytest.mark.parametrize(
    ("step", "piece"),
    [(fault.keep_alive("Hi", every=0.02), b": keep-alive\n\n"), (fault.trickle("Hi", every=0.02), b"\n")],
    ids=["keep-alive", "trickle"],
)
def test_trickle_keeps_sending_bytes_but_no_output(
    fake_mistral: FakeMistral, step: fault.TrickleFault, piece: bytes
) -> None:
    fake_mistral.script(step)
    with socket.create_connection(("127.0.0.1", fake_mistral.port), timeout=5) as sock:
        sock.sendall(chat_request(fake_mistral))
        seen = b""
        # Three more pieces after the text: the server goes on sending, and nothing else.
        while seen.count(b"\r\n" + piece + b"\r\n") < 3:
            data = sock.recv(65536)
            assert data, "the server closed during the trickle"
            seen += data
    assert b'"content":"Hi"' in seen
    assert b'finish_reason":"' not in seen
    assert fake_mistral.requests[0].answered_by == "fault:trickle"


def test_trickle_ends_when_the_server_stops() -> None:
    server = FakeMistral().start()
    server.script(fault.keep_alive(every=0.02, seconds=60))
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(chat_request(server))
        assert sock.recv(65536)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2.0


def test_json_completion_answers_a_streamed_request_with_json(fake_mistral: FakeMistral) -> None:
    read = call("read_file", {"path": "a.py"})
    fake_mistral.script(fault.json_completion(reply("Reading.", tool_calls=[read])))

    response = post(fake_mistral)

    assert response.headers["content-type"] == "application/json"
    message = response.json()["choices"][0]["message"]
    assert (message["content"], message["tool_calls"][0]["id"]) == ("Reading.", read.id)


def test_html_page_is_a_200_web_page(fake_mistral: FakeMistral) -> None:
    fake_mistral.script(fault.html_page())
    response = post(fake_mistral)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.startswith("<!DOCTYPE html>")


def test_bad_gzip_cannot_be_decoded(fake_mistral: FakeMistral) -> None:
    fake_mistral.script(fault.bad_gzip())
    with pytest.raises(httpx.DecodingError):
        post(fake_mistral)


@pytest.mark.parametrize("done", [True, False])
def test_empty_stream_has_no_chunk(fake_mistral: FakeMistral, done: bool) -> None:
    fake_mistral.script(fault.empty_stream(done=done))
    response = post(fake_mistral)
    assert response.headers["content-type"].startswith("text/event-stream")
    assert data_payloads(response) == (["[DONE]"] if done else [])


def test_calls_after_finish_come_in_a_later_chunk(fake_mistral: FakeMistral) -> None:
    late = call("glob", {"pattern": "*"})
    fake_mistral.script(fault.calls_after_finish([late], text="Looking."))

    chunks = [json.loads(p) for p in data_payloads(post(fake_mistral))[:-1]]

    empty: dict[str, Any] = {"delta": {}, "finish_reason": None}
    choices: list[dict[str, Any]] = [c["choices"][0] if c["choices"] else empty for c in chunks]
    finished = [i for i, choice in enumerate(choices) if choice["finish_reason"]]
    with_calls = [i for i, choice in enumerate(choices) if choice["delta"].get("tool_calls")]
    assert len(finished) == 1 and with_calls == [finished[0] + 1]
    assert choices[with_calls[0]]["delta"]["tool_calls"][0]["id"] == late.id


def test_refusal_streams_as_the_refusal_field(fake_mistral: FakeMistral) -> None:
    fake_mistral.script(reply(refusal="I cannot help with that.", finish="content_filter"))

    chunks = [json.loads(p) for p in data_payloads(post(fake_mistral))[:-1]]

    deltas = [c["choices"][0]["delta"] for c in chunks if c["choices"]]
    assert "".join(d.get("refusal", "") for d in deltas) == "I cannot help with that."
    assert chunks[-1]["choices"][0]["finish_reason"] == "content_filter"


def test_raw_answers_exactly_what_it_is_given(fake_mistral: FakeMistral) -> None:
    fake_mistral.script(fault.raw("plain words", "text/plain", status=200, headers={"X-Thing": "1"}))
    response = post(fake_mistral)
    assert (response.text, response.headers["content-type"], response.headers["x-thing"]) == (
        "plain words",
        "text/plain",
        "1",
    )


def test_json_scripts_can_name_the_new_faults(tmp_path: Path) -> None:
    script = tmp_path / "steps.json"
    steps = [
        {"fault": "keep_alive", "text": "Hi", "seconds": 1},
        {"fault": "trickle", "seconds": 2},
        {"fault": "html"},
        {"fault": "empty"},
        {"fault": "bad_gzip"},
    ]
    script.write_text(json.dumps(steps))

    loaded = load_json_script(script).steps

    assert loaded == [
        fault.keep_alive("Hi", seconds=1.0),
        fault.trickle(seconds=2.0),
        fault.html_page(),
        fault.empty_stream(),
        fault.bad_gzip(),
    ]

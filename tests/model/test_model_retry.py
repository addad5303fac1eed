"""Retries: which failures are retried, how long the client waits, and how it finally gives up."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import httpx
import pytest

from model.model_fakes import (
    BASE_URL,
    DONE,
    FakeServer,
    FakeTime,
    chunk,
    collect,
    make_client,
    sse,
    status,
    usage,
)
from vibe.model.client import ChatClient
from vibe.model.deltas import Delta, Finish, Retrying, TextDelta, UsageDelta
from vibe.model.retry import RetryableError, RetrySchedule, backoff_delay, parse_retry_after
from vibe.model.types import Endpoint, ModelError, RetryPolicy

GOOD = sse(
    chunk({"role": "assistant", "content": "Hello"}),
    chunk({"content": " there"}, finish="stop", usage=usage(10, 2)),
    DONE,
)


def final_text(deltas: list[Delta]) -> str:
    """What a consumer keeps: everything after the last `Retrying`."""
    kept: list[str] = []
    for delta in deltas:
        if isinstance(delta, Retrying):
            kept.clear()
        elif isinstance(delta, TextDelta):
            kept.append(delta.text)
    return "".join(kept)


async def run(
    server: FakeServer, time: FakeTime, retry: RetryPolicy | None = None, idle_timeout: float = 60.0
) -> list[Delta]:
    endpoint = Endpoint(base_url=BASE_URL, idle_timeout=idle_timeout)
    client = make_client(server, time, retry=retry, endpoint=endpoint)
    try:
        return await collect(client)
    finally:
        await client.aclose()


async def test_429_waits_exactly_what_retry_after_says() -> None:
    time = FakeTime()
    server = FakeServer(
        status(429, {"message": "Requests rate limit exceeded"}, headers={"Retry-After": "7"}),
        GOOD,
    )
    deltas = await run(server, time)
    assert time.sleeps == [7.0]
    assert deltas[0] == Retrying(
        attempt=1, delay_seconds=7.0, reason="HTTP 429: Requests rate limit exceeded"
    )
    assert final_text(deltas) == "Hello there"
    assert deltas[-1] == Finish("stop")
    assert len(server.requests) == 2


async def test_503_backs_off_exponentially() -> None:
    time = FakeTime()
    server = FakeServer(status(503, "upstream connect error"), status(502), status(500), GOOD)
    deltas = await run(server, time, RetryPolicy(base_delay=0.5, max_delay=1.5))
    # random() is 1.0 in these tests: the top of each jitter range, capped at max_delay.
    assert time.sleeps == [0.5, 1.0, 1.5]
    assert [d.attempt for d in deltas if isinstance(d, Retrying)] == [1, 2, 3]
    assert final_text(deltas) == "Hello there"


async def test_dropped_connection_mid_stream_is_retried_and_consumers_can_drop_the_partial_text() -> None:
    time = FakeTime()
    dropped = sse(
        chunk({"role": "assistant", "content": "Hel"}),
        then=httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    )
    server = FakeServer(dropped, GOOD)
    deltas = await run(server, time)
    assert deltas[0] == TextDelta("Hel")
    assert isinstance(deltas[1], Retrying)
    assert "the server broke the connection" in deltas[1].reason
    assert deltas[2:] == [
        TextDelta("Hello"),
        TextDelta(" there"),
        UsageDelta(usage=deltas[4].usage),  # type: ignore[union-attr]
        Finish("stop"),
    ]
    assert final_text(deltas) == "Hello there"
    assert server.stream_of(0).closed


async def test_stream_closing_cleanly_before_finish_is_retried() -> None:
    time = FakeTime()
    server = FakeServer(sse(chunk({"role": "assistant", "content": "Hel"})), GOOD)
    deltas = await run(server, time)
    retrying = [d for d in deltas if isinstance(d, Retrying)]
    assert len(retrying) == 1 and "dropped" in retrying[0].reason
    assert final_text(deltas) == "Hello there"


async def test_malformed_chunk_is_retried() -> None:
    time = FakeTime()
    server = FakeServer(sse(chunk({"content": "Hel"}), b'data: {"choices": [{"delta": \n\n'), GOOD)
    deltas = await run(server, time)
    assert [d.reason for d in deltas if isinstance(d, Retrying)] == ["the server sent a malformed chunk"]
    assert final_text(deltas) == "Hello there"


async def test_error_reported_inside_the_stream_is_retried() -> None:
    time = FakeTime()
    in_stream_error = b'data: {"error": {"message": "CUDA out of memory", "code": 500}}\n\n'
    server = FakeServer(sse(in_stream_error), GOOD)
    deltas = await run(server, time)
    assert [d.reason for d in deltas if isinstance(d, Retrying)] == [
        "the server reported an error: CUDA out of memory"
    ]


async def test_stalled_stream_is_abandoned_after_the_idle_timeout_and_retried() -> None:
    time = FakeTime()
    server = FakeServer(sse(chunk({"role": "assistant", "content": "Hel"}), stall=True), GOOD)
    deltas = await run(server, time, idle_timeout=0.2)  # a real wait: the only one in these tests
    assert [d.reason for d in deltas if isinstance(d, Retrying)] == [
        "the stream stalled: no model output for 0.2 s"
    ]
    assert final_text(deltas) == "Hello there"
    assert server.stream_of(0).closed


async def test_budget_exhaustion_raises_model_error() -> None:
    time = FakeTime()
    server = FakeServer(*[status(503, {"message": "Service unavailable"})] * 5)
    with pytest.raises(ModelError) as caught:
        await run(server, time, RetryPolicy(base_delay=0.5, max_delay=20, total_budget=1.0))
    # Waits 0.5 s once; the next wait (1.0 s) would end past the 1 s budget, so it is not taken.
    assert time.sleeps == [0.5]
    assert len(server.requests) == 2
    assert caught.value.kind == "server"
    assert caught.value.message == (
        f"{BASE_URL} failed after 2 attempts: HTTP 503: Service unavailable "
        "(the next wait would overrun the 1 s retry budget)"
    )


async def test_retry_after_beyond_the_budget_gives_up_at_once() -> None:
    time = FakeTime()
    server = FakeServer(status(429, {"message": "slow down"}, headers={"Retry-After": "600"}))
    with pytest.raises(ModelError) as caught:
        await run(server, time, RetryPolicy(total_budget=120))
    assert caught.value.kind == "rate_limited"
    assert time.sleeps == []
    assert "slow down" in caught.value.message


async def test_max_attempts_counts_the_first_attempt() -> None:
    time = FakeTime()
    server = FakeServer(*[status(502)] * 3)
    with pytest.raises(ModelError) as caught:
        await run(server, time, RetryPolicy(max_attempts=3))
    assert len(server.requests) == 3
    assert caught.value.message == f"{BASE_URL} failed after 3 attempts: HTTP 502"
    assert caught.value.status == 502


@pytest.mark.parametrize(
    ("code", "body", "kind", "detail"),
    [
        (401, {"message": "Unauthorized", "request_id": "7c1f"}, "auth", "Unauthorized"),
        (403, {"detail": "Access to model denied"}, "auth", "Access to model denied"),
        (
            400,
            {"error": {"message": "max_tokens is too large", "type": "BadRequestError"}},
            "bad_request",
            "max_tokens is too large",
        ),
        (
            404,
            {"object": "error", "message": "Invalid model: devstral-nope", "type": "invalid_model"},
            "bad_request",
            "Invalid model: devstral-nope",
        ),
        (
            422,
            {
                "object": "error",
                "message": {"detail": [{"loc": ["body", "messages", 2, "role"], "msg": "bad role"}]},
            },
            "bad_request",
            "body.messages.2.role: bad role",
        ),
    ],
)
async def test_client_errors_fail_at_once_with_the_providers_message(
    code: int, body: dict[str, object], kind: str, detail: str
) -> None:
    time = FakeTime()
    server = FakeServer(status(code, body))
    with pytest.raises(ModelError) as caught:
        await run(server, time)
    assert len(server.requests) == 1
    assert time.sleeps == []
    assert (caught.value.kind, caught.value.status) == (kind, code)
    assert caught.value.message.endswith(f"(HTTP {code}): {detail}")


async def test_non_json_error_body_is_shown_truncated() -> None:
    server = FakeServer(status(400, "<html>" + "x" * 1000 + "</html>"))
    with pytest.raises(ModelError) as caught:
        await run(server, FakeTime())
    assert caught.value.kind == "bad_request"
    assert len(caught.value.message) < 400
    assert caught.value.message.endswith("…")


async def test_unreachable_server_is_retried_then_reported_in_one_sentence() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/v1"
    time = FakeTime()
    client = ChatClient(
        Endpoint(base_url=base_url),
        # A server never reached is given up on early, whatever the overall attempt limit.
        RetryPolicy(max_attempts=6, attempts_before_first_contact=3),
        sleep=time.sleep,
        clock=time,
        random=lambda: 1.0,
    )
    try:
        with pytest.raises(ModelError) as caught:
            await collect(client)
    finally:
        await client.aclose()
    assert caught.value.kind == "unreachable"
    assert caught.value.message == (
        f"Could not reach {base_url} after 3 attempts: connection refused; "
        "is the server running, and is the base URL right?"
    )
    assert len(time.sleeps) == 2


def test_retry_after_parsing() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3", lambda: now) == 3.0
    assert parse_retry_after("1.5", lambda: now) == 1.5
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:30 GMT", lambda: now) == 30.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", lambda: now) == 0.0  # in the past
    assert parse_retry_after("soon", lambda: now) is None
    assert parse_retry_after(None) is None


def test_backoff_grows_then_caps_and_jitters_below_the_ceiling() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    assert [backoff_delay(policy, n, lambda: 1.0) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert backoff_delay(policy, 3, lambda: 0.25) == 0.5


def test_schedule_stops_at_max_attempts_and_at_the_budget() -> None:
    clock = FakeTime()
    schedule = RetrySchedule(RetryPolicy(max_attempts=3, total_budget=100), lambda: 1.0, clock)
    failure = RetryableError("server", "HTTP 500")
    assert schedule.next_delay(failure) == 0.5
    assert schedule.next_delay(failure) == 1.0
    assert schedule.next_delay(failure) is None  # the third failure was the last attempt

    schedule = RetrySchedule(RetryPolicy(total_budget=10), lambda: 1.0, clock)
    clock.now += 9.8  # the attempt itself took most of the budget
    assert schedule.next_delay(failure) is None

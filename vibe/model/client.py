"""Streaming chat-completions client with retries, for Mistral's API and OpenAI-compatible servers.

One `stream()` call is one logical request. Each attempt yields text and reasoning as they arrive;
if an attempt fails in a retryable way (see `retry.py`) the client yields `Retrying`, waits, and
starts over, so consumers drop what they accumulated and the user still sees live output. After
the last attempt, or at once for errors retrying cannot fix, it raises `ModelError` with a
one-sentence message.

Timeouts are enforced with `asyncio.timeout` rather than httpx's read timeout alone, because they
must also hold for injected transports (which ignore httpx timeouts): here for the response
headers, in `answer_reader.py` for the body (where the idle timer counts model output).
"""

from __future__ import annotations

import asyncio
import random as random_module
import time
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from vibe import __version__
from vibe.messages import Message
from vibe.model.answer_reader import REASON_DETAIL_CHARS, AnswerReader
from vibe.model.catalog import context_window_from_listing
from vibe.model.deltas import Delta, Retrying
from vibe.model.errors import client_error, provider_message
from vibe.model.retry import (
    RETRYABLE_STATUSES,
    RetryableError,
    RetrySchedule,
    parse_retry_after,
    status_kind,
)
from vibe.model.transport_errors import describe_transport_error, is_permanent
from vibe.model.types import Endpoint, ModelError, RetryPolicy, Sampling, ToolSpec
from vibe.model.wire import ReasoningFormat, build_request_body

if TYPE_CHECKING:
    import httpx

__all__ = ["ChatClient", "ChatModel"]

CONTEXT_PROBE_TIMEOUT = 2.0


class ChatModel(Protocol):
    """What the agent loop needs; tests use a scripted implementation of it."""

    def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], sampling: Sampling
    ) -> AsyncIterator[Delta]: ...


class _UsageOptionRejectedError(Exception):
    """The server refused `stream_options` as an unknown field; resend without it."""


def _httpx():  # returns the module; pyright infers its type
    """httpx, imported on first need (already loaded by then in every call but the first)."""
    from vibe.model._httpx_import import httpx

    return httpx


class ChatClient:
    def __init__(
        self,
        endpoint: Endpoint,
        retry: RetryPolicy | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        random: Callable[[], float] = random_module.random,
        clock: Callable[[], float] = time.monotonic,
        reasoning_format: ReasoningFormat = "mistral",
        stream_usage_option: bool | None = None,
    ) -> None:
        """`stream_usage_option`: send `stream_options.include_usage`; None decides by host.

        Mistral's API answers 422 to it (and reports usage unasked), OpenAI-style servers need it
        to report usage at all. If a server still rejects it, the client drops it and resends.
        """
        self._endpoint = endpoint
        self._base_url = endpoint.base_url.rstrip("/")
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._reasoning_format: ReasoningFormat = reasoning_format
        if stream_usage_option is None:
            stream_usage_option = not _is_mistral_api(self._base_url)
        self._send_usage_option = stream_usage_option
        self._reached = False  # has the endpoint ever answered this client?
        self._transport = transport
        # Created on first use: importing httpx and building the client (TLS context included)
        # costs tens of milliseconds that an editor's `session/new` need not wait for.
        self._http_client: httpx.AsyncClient | None = None

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._http_client is None:
            httpx = _httpx()
            endpoint = self._endpoint
            self._http_client = httpx.AsyncClient(
                transport=self._transport,
                headers=_headers(endpoint),
                timeout=httpx.Timeout(
                    connect=endpoint.connect_timeout,
                    read=endpoint.idle_timeout,
                    write=endpoint.idle_timeout,
                    pool=endpoint.connect_timeout,
                ),
                follow_redirects=False,
                # A plain-http endpoint (a local server) never uses TLS, so skip building a
                # verified SSL context: loading the CA bundle costs ~40 ms. Redirects are not
                # followed, so no request can move to https on this client.
                verify=not self._base_url.startswith("http://"),
            )
        return self._http_client

    async def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], sampling: Sampling
    ) -> AsyncIterator[Delta]:
        schedule = RetrySchedule(self._retry, self._random, self._clock)
        while True:
            body = build_request_body(
                messages,
                tools,
                sampling,
                reasoning_format=self._reasoning_format,
                include_usage_option=self._send_usage_option,
            )
            try:
                # aclosing: if our consumer stops early, the attempt (and its response) closes now,
                # not whenever the garbage collector gets to it.
                async with aclosing(self._attempt(body)) as attempt:
                    async for delta in attempt:
                        yield delta
                return
            except _UsageOptionRejectedError:
                self._send_usage_option = False
                continue
            except RetryableError as failure:
                delay = schedule.next_delay(failure)
                never_reached = failure.kind == "unreachable" and not self._reached
                if delay is None or (
                    never_reached and schedule.failed_attempts >= self._retry.attempts_before_first_contact
                ):
                    raise self._gave_up(failure, schedule) from None
                yield Retrying(attempt=schedule.failed_attempts, delay_seconds=delay, reason=failure.reason)
                await self._sleep(delay)

    async def context_window(self, model: str) -> int | None:
        """The model's context length as the server lists it, or None; never raises."""
        try:
            async with asyncio.timeout(CONTEXT_PROBE_TIMEOUT):
                response = await self._http.get(f"{self._base_url}/models", timeout=CONTEXT_PROBE_TIMEOUT)
            if response.status_code != 200:
                return None
            return context_window_from_listing(response.json(), model)
        except Exception:  # a failed probe only means "unknown"; it must never break a run
            return None

    async def aclose(self) -> None:
        if self._http_client is not None:
            await self._http_client.aclose()

    async def _attempt(self, body: dict[str, Any]) -> AsyncGenerator[Delta]:
        response = await self._send(body)
        try:
            if not response.is_success:
                await self._reject(response, usage_option_sent="stream_options" in body)
            reader = AnswerReader(self._base_url, self._endpoint.idle_timeout)
            async with aclosing(reader.deltas(response)) as deltas:
                async for delta in deltas:
                    yield delta
        finally:
            await response.aclose()

    async def _send(self, body: dict[str, Any]) -> httpx.Response:
        wait = self._endpoint.connect_timeout + self._endpoint.idle_timeout
        try:
            request = self._http.build_request(
                "POST",
                f"{self._base_url}/chat/completions",
                json=body,
                headers={"Accept": "text/event-stream"},
            )
            async with asyncio.timeout(wait):
                response = await self._http.send(request, stream=True)
            self._reached = True
            return response
        except TimeoutError:
            raise RetryableError("timeout", f"no response within {wait:g} s") from None
        except (_httpx().TransportError, _httpx().InvalidURL) as exc:
            if is_permanent(exc):
                raise ModelError(
                    "unreachable", f"{self._base_url} is not a usable endpoint address: {exc}"
                ) from None
            raise describe_transport_error(exc) from None

    async def _reject(self, response: httpx.Response, *, usage_option_sent: bool) -> None:
        """Raise the right error for a non-2xx response."""
        status = response.status_code
        text = await self._read_error_body(response)
        if status in RETRYABLE_STATUSES:
            detail = provider_message(text, limit=REASON_DETAIL_CHARS)
            raise RetryableError(
                status_kind(status),
                f"HTTP {status}: {detail}" if detail else f"HTTP {status}",
                retry_after=parse_retry_after(response.headers.get("retry-after")),
                status=status,
            )
        if usage_option_sent and status in (400, 422) and "stream_options" in text:
            raise _UsageOptionRejectedError
        if response.is_redirect:
            location = response.headers.get("location", "elsewhere")
            raise ModelError(
                "bad_request",
                f"{self._base_url} redirects to {location}; set base_url to that address",
                status,
            )
        raise client_error(status, text, self._base_url)

    async def _read_error_body(self, response: httpx.Response) -> str:
        try:
            async with asyncio.timeout(self._endpoint.idle_timeout):
                return (await response.aread()).decode("utf-8", errors="replace")
        except (TimeoutError, _httpx().HTTPError):
            return ""

    def _gave_up(self, failure: RetryableError, schedule: RetrySchedule) -> ModelError:
        attempts = schedule.failed_attempts
        tries = f"{attempts} attempt" + ("" if attempts == 1 else "s")
        if failure.kind == "unreachable":
            message = f"Could not reach {self._base_url} after {tries}: {failure.reason}"
        elif failure.kind == "rate_limited":
            message = f"{self._base_url} kept rate-limiting the request after {tries}: {failure.reason}"
        else:
            message = f"{self._base_url} failed after {tries}: {failure.reason}"
        if failure.kind == "unreachable" and not self._reached:
            message += "; is the server running, and is the base URL right?"
        elif attempts < self._retry.max_attempts:
            message += f" (the next wait would overrun the {self._retry.total_budget:g} s retry budget)"
        return ModelError(failure.kind, message, failure.status)


def _headers(endpoint: Endpoint) -> dict[str, str]:
    headers = {"User-Agent": f"vibe/{__version__}"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    headers.update(endpoint.headers)
    return headers


def _is_mistral_api(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    return host == "mistral.ai" or host.endswith(".mistral.ai")

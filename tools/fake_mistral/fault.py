"""Scripted failures: what a flaky endpoint does to a client, one step at a time.

Used as `fault.status(429, retry_after=0)`, `fault.drop_after("partial te")` and so on; each
constructor returns a frozen value the server interprets when the step comes up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tools.fake_mistral.script import Reply, ToolCallSpec

HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Welcome</title></head>\n"
    "<body><h1>It works!</h1><p>Sign in to continue.</p></body></html>\n"
)
KEEP_ALIVE_COMMENT = b": keep-alive\n\n"


@dataclass(frozen=True)
class StatusFault:
    """Answer with an HTTP error status and a JSON body in Mistral's error shape."""

    status: int
    retry_after: float | str | None = None
    message: str | None = None


@dataclass(frozen=True)
class DropFault:
    """Stream `text` as ordinary chunks, then close the socket without finishing the body."""

    text: str
    chunk_size: int = 8


@dataclass(frozen=True)
class StallFault:
    """Stream `text`, then send nothing (keeping the socket open) for up to `seconds`.

    The wait also ends when the server stops, so a stalled client never holds up teardown.
    After the wait the connection is dropped, as a proxy timing out would.
    """

    text: str
    seconds: float = 30.0
    chunk_size: int = 8


@dataclass(frozen=True)
class TrickleFault:
    """Stream `text`, then send `piece` every `every` seconds (never any model output) for up
    to `seconds`, then drop the connection. A keep-alive comment or a lone newline: bytes that
    keep a socket busy while the model says nothing."""

    text: str
    piece: bytes
    every: float = 0.05
    seconds: float = 30.0


@dataclass(frozen=True)
class MalformedFault:
    """Stream `before`, then one `data:` line that is not JSON, then finish normally."""

    before: str = ""
    line: str = "{not json"


@dataclass(frozen=True)
class RawFault:
    """A whole response of the test's choosing: status, content type, headers and body bytes."""

    body: bytes
    content_type: str
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class JsonCompletionFault:
    """A server that ignores `stream: true` and answers with one JSON completion."""

    reply: Reply


@dataclass(frozen=True)
class EmptyStreamFault:
    """An event stream with no chunk at all: just `[DONE]`, or (with `done=False`) nothing."""

    done: bool = True


@dataclass(frozen=True)
class LateCallsFault:
    """Stream `text` and a finish chunk (`finish`), then the tool calls in a later chunk, then
    `[DONE]`: a server that sends calls after its first finish_reason."""

    text: str
    tool_calls: tuple[ToolCallSpec, ...]
    finish: str = "stop"


Fault = (
    StatusFault
    | DropFault
    | StallFault
    | TrickleFault
    | MalformedFault
    | RawFault
    | JsonCompletionFault
    | EmptyStreamFault
    | LateCallsFault
)
FAULT_TYPES = (
    StatusFault,
    DropFault,
    StallFault,
    TrickleFault,
    MalformedFault,
    RawFault,
    JsonCompletionFault,
    EmptyStreamFault,
    LateCallsFault,
)


def status(code: int, *, retry_after: float | str | None = None, message: str | None = None) -> StatusFault:
    """An HTTP error reply; `retry_after` becomes a Retry-After header (seconds or an HTTP date)."""
    if not 400 <= code <= 599:
        raise ValueError(f"fault.status expects a 4xx or 5xx code, got {code}")
    return StatusFault(code, retry_after, message)


def drop_after(text: str, *, chunk_size: int = 8) -> DropFault:
    return DropFault(text, chunk_size)


def stall_after(text: str, *, seconds: float = 30.0, chunk_size: int = 8) -> StallFault:
    return StallFault(text, seconds, chunk_size)


def keep_alive(text: str = "", *, every: float = 0.05, seconds: float = 30.0) -> TrickleFault:
    """`: keep-alive` comments every `every` seconds after `text`, and nothing else."""
    return TrickleFault(text, KEEP_ALIVE_COMMENT, every, seconds)


def trickle(text: str = "", *, every: float = 0.05, seconds: float = 30.0) -> TrickleFault:
    """One byte (a newline, which an event stream ignores) every `every` seconds after `text`."""
    return TrickleFault(text, b"\n", every, seconds)


def malformed(before: str = "", *, line: str = "{not json") -> MalformedFault:
    return MalformedFault(before, line)


def raw(
    body: str | bytes, content_type: str, *, status: int = 200, headers: dict[str, str] | None = None
) -> RawFault:
    """Any response at all, e.g. `fault.raw("ok", "text/plain")`."""
    data = body.encode() if isinstance(body, str) else body
    return RawFault(data, content_type, status, tuple((headers or {}).items()))


def html_page(*, status: int = 200) -> RawFault:
    """A web page where the API should be: a server's welcome page, a proxy's sign-in page."""
    return raw(HTML_PAGE, "text/html; charset=utf-8", status=status)


def bad_gzip() -> RawFault:
    """A 200 event stream declared `Content-Encoding: gzip` whose body is not gzip."""
    body = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03this is not deflate data at all"
    return raw(body, "text/event-stream", headers={"Content-Encoding": "gzip"})


def json_completion(reply: Reply) -> JsonCompletionFault:
    return JsonCompletionFault(reply)


def empty_stream(*, done: bool = True) -> EmptyStreamFault:
    return EmptyStreamFault(done)


def calls_after_finish(
    tool_calls: list[ToolCallSpec] | tuple[ToolCallSpec, ...], *, text: str = "", finish: str = "stop"
) -> LateCallsFault:
    return LateCallsFault(text, tuple(tool_calls), finish)

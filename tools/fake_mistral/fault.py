"""Scripted failures: what a flaky endpoint does to a client, one step at a time.

Used as `fault.status(429, retry_after=0)`, `fault.drop_after("partial te")` and so on; each
constructor returns a frozen value the server interprets when the step comes up.
"""

from __future__ import annotations

from dataclasses import dataclass


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
class MalformedFault:
    """Stream `before`, then one `data:` line that is not JSON, then finish normally."""

    before: str = ""
    line: str = "{not json"


Fault = StatusFault | DropFault | StallFault | MalformedFault


def status(code: int, *, retry_after: float | str | None = None, message: str | None = None) -> StatusFault:
    """An HTTP error reply; `retry_after` becomes a Retry-After header (seconds or an HTTP date)."""
    if not 400 <= code <= 599:
        raise ValueError(f"fault.status expects a 4xx or 5xx code, got {code}")
    return StatusFault(code, retry_after, message)


def drop_after(text: str, *, chunk_size: int = 8) -> DropFault:
    return DropFault(text, chunk_size)


def stall_after(text: str, *, seconds: float = 30.0, chunk_size: int = 8) -> StallFault:
    return StallFault(text, seconds, chunk_size)


def malformed(before: str = "", *, line: str = "{not json") -> MalformedFault:
    return MalformedFault(before, line)

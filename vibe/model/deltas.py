"""What a model stream yields, vendor-neutral.

A stream is a sequence of deltas ending with exactly one `Finish`. When the client retries a
failed stream it yields `Retrying` first: consumers must drop everything they accumulated from
the failed attempt (text, reasoning, tool calls) because the new attempt starts over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from vibe.messages import ToolCall, Usage


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ToolCallDelta:
    """A complete tool call (the client assembles OpenAI-style fragments before yielding)."""

    call: ToolCall


@dataclass(frozen=True, slots=True)
class UsageDelta:
    usage: Usage


FinishReason = Literal["stop", "tool_calls", "length", "content_filter", "error", "unknown"]


@dataclass(frozen=True, slots=True)
class Finish:
    reason: FinishReason
    # What the endpoint said when it refused to answer (OpenAI's `refusal` field), if anything.
    refusal: str = ""


@dataclass(frozen=True, slots=True)
class Retrying:
    """The previous attempt failed; everything it yielded is void."""

    attempt: int
    delay_seconds: float
    reason: str


Delta = TextDelta | ReasoningDelta | ToolCallDelta | UsageDelta | Finish | Retrying

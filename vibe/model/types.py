"""Inputs to the model client: where to connect, how to retry, what tools to offer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["Endpoint", "ModelError", "RetryPolicy", "Sampling", "ToolSpec"]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A chat-completions endpoint. The only host vibe ever contacts."""

    base_url: str  # e.g. https://api.mistral.ai/v1 (no trailing slash needed)
    api_key: str | None = None
    headers: dict[str, str] = field(default_factory=lambda: dict[str, str]())
    connect_timeout: float = 10.0
    # Longest silence tolerated inside a stream before the attempt is abandoned and retried.
    idle_timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 20.0
    # Wall-clock budget for all retries of one request; a wait that would exceed it is not taken.
    total_budget: float = 120.0
    # An endpoint that has never answered is most likely misconfigured (wrong URL, server not
    # started): give up after this many attempts rather than retrying for the whole budget.
    attempts_before_first_contact: int = 3


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A tool as the model sees it: name, description, JSON schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Sampling:
    model: str
    temperature: float | None = None
    max_tokens: int | None = None
    parallel_tool_calls: bool = True


ModelErrorKind = Literal[
    "auth",
    "bad_request",
    "unreachable",
    "rate_limited",
    "server",
    "timeout",
    "protocol",
    "not_chat_endpoint",
]


class ModelError(Exception):
    """The endpoint failed for good (after retries, or at once for 4xx). `message` is user-facing."""

    def __init__(self, kind: ModelErrorKind, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind: ModelErrorKind = kind
        self.message = message
        self.status = status

"""Reading a server's "too long for the context window" refusal, and the limit it states."""

from __future__ import annotations

import pytest

from vibe.model.errors import ContextOverflow, client_error, context_overflow
from vibe.model.types import ModelError


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "Prompt contains 140000 tokens and 0 draft tokens, too large for model with 131072 "
            "maximum context length",
            ContextOverflow(131072),
        ),
        (
            "This model's maximum context length is 32768 tokens. However, you requested 40000 "
            "tokens (39000 in the messages, 1000 in the completion).",
            ContextOverflow(32768),
        ),
        (
            "the request exceeds the available context size (4096 tokens), try increasing it",
            ContextOverflow(4096),
        ),
        ("the request exceeds the available context size, try increasing it", ContextOverflow(None)),
        ("Invalid model: devstral-nope", None),
    ],
)
def test_overflow_refusals_are_recognised(message: str, expected: ContextOverflow | None) -> None:
    error = ModelError("bad_request", f"http://x/v1 rejected the request (HTTP 400): {message}", 400)
    assert context_overflow(error) == expected


def test_only_rejected_requests_count() -> None:
    error = ModelError("server", "HTTP 500: maximum context length is 8192", 500)
    assert context_overflow(error) is None


def test_413_request_too_large_counts_as_not_fitting() -> None:
    error = client_error(413, "<html><body>413 Request Entity Too Large</body></html>", "http://x/v1")
    assert (error.kind, error.status) == ("bad_request", 413)
    assert "too large" in error.message
    assert context_overflow(error) == ContextOverflow(None)

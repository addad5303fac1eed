"""The provider's own words from an error response, for one-sentence user-facing errors.

Shapes seen in the wild:
- Mistral: `{"object": "error", "message": "...", "type": "..."}`, where `message` may itself be
  `{"detail": [{"loc": [...], "msg": "..."}]}` (a validation error), or `{"detail": "..."}`;
- OpenAI, vLLM, llama.cpp: `{"error": {"message": "...", "type": "...", "code": ...}}`;
- Ollama: `{"error": "..."}`.
Anything else is shown as raw text, whitespace collapsed and truncated.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, cast

from vibe.model.types import ModelError

__all__ = ["context_overflow"]

MAX_MESSAGE_CHARS = 300


def provider_message(body: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    try:
        parsed: object = json.loads(body)
    except ValueError:
        parsed = None
    found = _extract(parsed) if parsed is not None else ""
    return _shorten(found or body, limit)


def client_error(status: int, body: str, base_url: str) -> ModelError:
    """The error for a 4xx that retrying cannot fix (bad key, unknown model, invalid request)."""
    detail = provider_message(body) or "no details given"
    if status in (401, 403):
        return ModelError("auth", f"{base_url} refused the credentials (HTTP {status}): {detail}", status)
    if status == 413:  # a proxy's or the server's body size limit: see `context_overflow`
        return ModelError(
            "bad_request", f"{base_url} refused the request as too large (HTTP 413): {detail}", status
        )
    return ModelError("bad_request", f"{base_url} rejected the request (HTTP {status}): {detail}", status)


def _extract(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        parts = [_extract(item) for item in cast(list[Any], value)]
        return "; ".join(part for part in parts if part)
    if not isinstance(value, dict):
        return ""
    fields = cast(dict[str, Any], value)
    if "msg" in fields:  # one pydantic validation error: say which field
        location = fields.get("loc")
        where = (
            ".".join(str(item) for item in cast(list[Any], location)) if isinstance(location, list) else ""
        )
        return f"{where}: {fields['msg']}" if where else str(fields["msg"])
    for key in ("error", "message", "detail"):
        if key in fields and (found := _extract(fields[key])):
            return found
    return ""


def _shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[: limit - 1].rstrip() + "…"


# How servers say a request was too long for the model, and the limit they state if any:
# Mistral: "Prompt contains 140000 tokens ..., too large for model with 131072 maximum context
# length"; vLLM and OpenAI: "This model's maximum context length is 32768 tokens. However, ...";
# llama.cpp: "the request exceeds the available context size (4096 tokens), try increasing it".
_OVERFLOW = re.compile(
    r"maximum context length|context (?:length|size|window) (?:exceeded|is exceeded)|exceeds? the "
    r"(?:available )?context|too many tokens|prompt is too long|context_length_exceeded",
    re.IGNORECASE,
)
_STATED_LIMIT = (
    re.compile(r"maximum context length is\s*([\d,]+)", re.IGNORECASE),
    re.compile(r"([\d,]+)\s*maximum context length", re.IGNORECASE),
    re.compile(r"context size \(([\d,]+) tokens\)", re.IGNORECASE),
)


@dataclass(frozen=True, slots=True)
class ContextOverflow:
    """The endpoint refused a request as too long for the model's context window."""

    # The window the server stated, when it did.
    window: int | None


def context_overflow(error: ModelError) -> ContextOverflow | None:
    """Whether `error` is the endpoint saying the request did not fit, and what limit it gave.

    HTTP 413 (request too large, often a proxy's body size limit) counts too: the cure is the
    same, a smaller conversation, so it takes the same path (compact, then retry once).
    """
    if error.kind == "bad_request" and error.status == 413:
        return ContextOverflow(None)
    if error.kind != "bad_request" or not _OVERFLOW.search(error.message):
        return None
    for pattern in _STATED_LIMIT:
        if match := pattern.search(error.message):
            return ContextOverflow(int(match.group(1).replace(",", "")))
    return ContextOverflow(None)

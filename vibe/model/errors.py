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
from typing import Any, cast

from vibe.model.types import ModelError

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

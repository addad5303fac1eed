"""Reading a model's context window from a `GET /models` listing.

Each server names it differently: Mistral `max_context_length`, vLLM `max_model_len`, some
OpenAI-compatible servers `context_length`, llama.cpp `meta.n_ctx` (the running context) or
`meta.n_ctx_train` (what the model was trained for).
"""

from __future__ import annotations

from typing import Any, cast

_TOP_LEVEL_KEYS = ("max_context_length", "context_length", "max_model_len")
_META_KEYS = ("n_ctx", "n_ctx_train")

JSON = dict[str, Any]


def context_window_from_listing(payload: object, model: str) -> int | None:
    entries = _entries(payload)
    entry = next((e for e in entries if _names(e) & {model}), None)
    if entry is None and len(entries) == 1:
        # Single-model servers (llama.cpp) serve whatever is loaded, whatever name it is asked for.
        entry = entries[0]
    return _context_length(entry) if entry is not None else None


def _entries(payload: object) -> list[JSON]:
    if isinstance(payload, dict):
        listing = cast(JSON, payload)
        payload = listing.get("data", listing.get("models"))  # OpenAI-style `data`; Ollama `models`
    if not isinstance(payload, list):
        return []
    return [cast(JSON, entry) for entry in cast(list[Any], payload) if isinstance(entry, dict)]


def _names(entry: JSON) -> set[str]:
    names = {value for key in ("id", "name", "model") if isinstance(value := entry.get(key), str)}
    aliases = entry.get("aliases")  # Mistral lists `-latest` style aliases per model
    if isinstance(aliases, list):
        names |= {alias for alias in cast(list[Any], aliases) if isinstance(alias, str)}
    return names


def _context_length(entry: JSON) -> int | None:
    for key in _TOP_LEVEL_KEYS:
        if (value := _positive_int(entry.get(key))) is not None:
            return value
    meta = entry.get("meta")
    if isinstance(meta, dict):
        for key in _META_KEYS:
            if (value := _positive_int(cast(JSON, meta).get(key))) is not None:
                return value
    return None


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return value

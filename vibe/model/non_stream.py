"""Answers to a streaming request that are not an event stream.

Some servers and proxies ignore `stream: true` and send one JSON completion: that is a good
answer, read as if it were a one-chunk stream. Anything else with status 200 (a web server's
welcome page, a proxy's sign-in page, plain text) means the base URL does not lead to a
chat-completions API; retrying cannot help, so it is a configuration error in one sentence.
Servers that send an event stream under a wrong content type still work: the body is sniffed.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, cast

from vibe.model.types import ModelError

BodyKind = Literal["event_stream", "json", "other"]

# How much of an unexpected body is read to describe it (or to find it is an event stream).
SNIFF_BYTES = 512
EXCERPT_CHARS = 80
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SSE_FIELDS = (b"data:", b"event:", b"id:", b"retry:", b":")


def body_kind(content_type: str | None) -> BodyKind:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in ("", "text/event-stream"):
        return "event_stream"  # a missing type is given the benefit of the doubt
    if media == "application/json" or media.endswith("+json"):
        return "json"
    return "other"


def looks_like_event_stream(start: bytes) -> bool:
    return start.lstrip(b"\xef\xbb\xbf\r\n").startswith(_SSE_FIELDS)


def completion_as_chunk(document: object) -> dict[str, Any] | None:
    """A non-streamed chat completion as the one stream chunk that says the same; None when
    `document` is not a chat completion."""
    if not isinstance(document, dict):
        return None
    fields = cast(dict[str, Any], document)
    choices = fields.get("choices")
    if not isinstance(choices, list) or not choices:
        return None
    choice = cast(list[Any], choices)[0]
    message = cast(dict[str, Any], choice).get("message") if isinstance(choice, dict) else None
    if not isinstance(message, dict):
        return None
    delta = dict(cast(dict[str, Any], message))
    calls = delta.get("tool_calls")
    if isinstance(calls, list):
        # A whole message lists its calls in order; stream indexes keep them apart the same way.
        delta["tool_calls"] = [
            {**cast(dict[str, Any], c), "index": position} if isinstance(c, dict) else c
            for position, c in enumerate(cast(list[Any], calls))
        ]
    finish = cast(dict[str, Any], choice).get("finish_reason") or "stop"
    chunk: dict[str, Any] = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if "usage" in fields:
        chunk["usage"] = fields["usage"]
    return chunk


def not_chat_endpoint(base_url: str, what: str) -> ModelError:
    return ModelError(
        "not_chat_endpoint",
        f"{base_url} is not a chat-completions endpoint: it answered with {what}; check the base "
        "URL (an OpenAI-compatible server's usually ends in /v1)",
        200,
    )


def describe_body(content_type: str | None, start: bytes) -> str:
    """What came back, in a few words: "an HTML page (text/html)", "text/plain: 'OK'"."""
    media = (content_type or "no content type").split(";", 1)[0].strip()
    text = start.decode("utf-8", errors="replace").strip()
    if "html" in media.lower() or text[:15].lower().startswith(("<!doctype html", "<html")):
        # The title usually says what answered: a login page, a proxy's error, a web UI.
        import html  # only for this error

        title = _TITLE.search(text)
        named = " ".join(html.unescape(title.group(1)).split()) if title else ""
        if len(named) > EXCERPT_CHARS:
            named = named[: EXCERPT_CHARS - 1] + "…"
        return f'an HTML page ({media}, titled "{named}")' if named else f"an HTML page ({media})"
    if not text:
        return f"an empty {media} body"
    excerpt = " ".join(text.split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
    return f"{media}: {excerpt!r}"


def describe_json(document: object) -> str:
    excerpt = json.dumps(document, ensure_ascii=False)
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
    return f"JSON that is not a chat completion: {excerpt}"

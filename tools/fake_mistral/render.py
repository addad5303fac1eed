"""Replies rendered as the JSON a real endpoint sends, in Mistral's or vLLM's (OpenAI) shape.

Mistral (as recorded from api.mistral.ai): a first chunk `{"role":"assistant","content":""}`,
text chunks, and a last chunk carrying the finish_reason, every tool call whole (all at
`index` 0) and `usage` (prompt, total, completion). Magistral's reasoning comes as content
chunk lists: `[{"type":"thinking","thinking":[{"type":"text","text":...}]}]`, then the answer as
`[{"type":"text","text":...}]`.

OpenAI style (vLLM with `include_usage`): reasoning in `reasoning_content`, tool calls as
index-keyed fragments (id and name first, with empty arguments, then argument pieces), a
finish chunk with an empty delta, then a usage-only chunk with empty `choices`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from tools.fake_mistral.http11 import status_phrase
from tools.fake_mistral.script import JSON, RecordedRequest, Reply

DONE = "[DONE]"


def sse(payload: JSON | str) -> bytes:
    """One server-sent event; JSON is compact, as Mistral writes it."""
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    return f"data: {data}\n\n".encode()


def pieces(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


class ChunkFactory:
    """Chunks of one completion: they share an id, a timestamp and the model name."""

    def __init__(self, model: str, style: str = "mistral") -> None:
        self.style = style
        self.id = ("chatcmpl-" if style == "openai" else "") + uuid.uuid4().hex
        self.created = int(time.time())
        self.model = model

    def chunk(self, delta: JSON | None, finish: str | None = None, usage: JSON | None = None) -> JSON:
        choices: list[JSON] = []
        if delta is not None:
            choices.append({"index": 0, "delta": delta, "finish_reason": finish})
        payload: JSON = {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }
        if usage is not None:
            payload["usage"] = usage
        return payload

    def opening(self) -> JSON:
        return self.chunk({"role": "assistant", "content": ""})

    def text(self, text: str, size: int, *, as_parts: bool = False) -> list[JSON]:
        if as_parts:
            return [self.chunk({"content": [{"type": "text", "text": p}]}) for p in pieces(text, size)]
        return [self.chunk({"content": p}) for p in pieces(text, size)]

    def reasoning(self, text: str, size: int) -> list[JSON]:
        if self.style == "openai":
            return [self.chunk({"reasoning_content": p}) for p in pieces(text, size)]
        return [
            self.chunk({"content": [{"type": "thinking", "thinking": [{"type": "text", "text": p}]}]})
            for p in pieces(text, size)
        ]


def usage_json(reply: Reply, request: RecordedRequest) -> JSON:
    """Scripted usage, or an estimate at four characters per token (never zero)."""
    if reply.usage is not None:
        prompt, completion = reply.usage
    else:
        prompt_chars = len(json.dumps(request.messages)) + len(json.dumps(request.tools))
        reply_chars = len(reply.text) + len(reply.reasoning)
        reply_chars += sum(len(c.name) + len(c.arguments) for c in reply.tool_calls)
        prompt, completion = max(1, prompt_chars // 4), max(1, reply_chars // 4)
    return {"prompt_tokens": prompt, "total_tokens": prompt + completion, "completion_tokens": completion}


def stream_payloads(reply: Reply, request: RecordedRequest, model: str) -> list[JSON | str]:
    """Everything a streamed reply sends, `[DONE]` included."""
    factory = ChunkFactory(model, reply.style)
    usage = usage_json(reply, request)
    payloads: list[JSON | str] = [factory.opening()]
    payloads += factory.reasoning(reply.reasoning, reply.chunk_size)
    # Once Magistral has thought, its answer also comes as chunk lists rather than bare strings.
    as_parts = bool(reply.reasoning) and reply.style == "mistral"
    payloads += factory.text(reply.text, reply.chunk_size, as_parts=as_parts)
    payloads += [factory.chunk({"refusal": p}) for p in pieces(reply.refusal, reply.chunk_size)]
    if reply.style == "openai":
        for index, tool_call in enumerate(reply.tool_calls):
            function = {"name": tool_call.name, "arguments": ""}
            head: JSON = {"index": index, "id": tool_call.id, "type": "function", "function": function}
            payloads.append(factory.chunk({"tool_calls": [head]}))
            for piece in pieces(tool_call.arguments, reply.chunk_size):
                fragment = {"index": index, "function": {"arguments": piece}}
                payloads.append(factory.chunk({"tool_calls": [fragment]}))
        payloads.append(factory.chunk({}, reply.finish_reason))
        payloads.append(factory.chunk(None, usage=usage))
    else:
        last: JSON = {"content": ""}
        if reply.tool_calls:
            last["tool_calls"] = [
                {"id": c.id, "function": {"name": c.name, "arguments": c.arguments}, "index": 0}
                for c in reply.tool_calls
            ]
        payloads.append(factory.chunk(last, reply.finish_reason, usage))
    payloads.append(DONE)
    return payloads


def completion_body(reply: Reply, request: RecordedRequest, model: str) -> JSON:
    """The non-streamed answer (`stream: false`)."""
    content: Any = reply.text
    if reply.reasoning:
        content = [
            {"type": "thinking", "thinking": [{"type": "text", "text": reply.reasoning}]},
            {"type": "text", "text": reply.text},
        ]
    message: JSON = {"role": "assistant", "content": content, "tool_calls": None}
    if reply.refusal:
        message["refusal"] = reply.refusal
    if reply.tool_calls:
        message["tool_calls"] = [
            {
                "id": c.id,
                "type": "function",
                "function": {"name": c.name, "arguments": c.arguments},
                "index": index,
            }
            for index, c in enumerate(reply.tool_calls)
        ]
    return {
        "id": uuid.uuid4().hex,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": reply.finish_reason}],
        "usage": usage_json(reply, request),
    }


def error_body(status: int, message: str | None = None) -> JSON:
    """Mistral's error bodies: a bare message for auth failures, an error object otherwise."""
    if status == 401:
        return {"message": message or "Unauthorized", "request_id": uuid.uuid4().hex}
    kind = "invalid_request_error" if status < 500 else "internal_server_error"
    if status == 429:
        kind = "rate_limited"
    return {
        "object": "error",
        "message": message or status_phrase(status),
        "type": kind,
        "param": None,
        "code": None,
    }


def model_card(model: str, context_length: int) -> JSON:
    """One entry of Mistral's `GET /v1/models` list."""
    return {
        "id": model,
        "object": "model",
        "created": 1700000000,
        "owned_by": "mistralai",
        "capabilities": {
            "completion_chat": True,
            "completion_fim": False,
            "function_calling": True,
            "fine_tuning": False,
            "vision": False,
            "classification": False,
        },
        "name": model,
        "description": "Scripted fake model (tools/fake_mistral).",
        "max_context_length": context_length,
        "aliases": [],
        "deprecation": None,
        "default_model_temperature": 0.2,
        "type": "base",
    }

"""The script vocabulary: replies, tool calls, recorded requests and the JSON script format.

A script is a queue of steps; every chat request consumes one. A step is a `Reply`, a fault
(see `fault.py`), or a callable that builds either from the request it answers.
"""

from __future__ import annotations

import itertools
import json
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

from tools.fake_mistral import fault
from tools.fake_mistral.fault import Fault

JSON = dict[str, Any]
Style = Literal["mistral", "openai"]

_ID_ALPHABET = string.digits + string.ascii_letters
_ID_SPACE = len(_ID_ALPHABET) ** 9
# Multiplying a counter by a number coprime with 62**9 is a bijection on the id space: ids are
# unique and deterministic, yet do not look sequential (a client must not rely on their order).
_ID_STRIDE = 9_007_199_254_740_881
_call_counter = itertools.count(1)


def next_call_id() -> str:
    """A fresh Mistral-shaped tool-call id: 9 characters from [0-9a-zA-Z]."""
    n = (next(_call_counter) * _ID_STRIDE) % _ID_SPACE
    digits: list[str] = []
    for _ in range(9):
        n, digit = divmod(n, len(_ID_ALPHABET))
        digits.append(_ID_ALPHABET[digit])
    return "".join(reversed(digits))


@dataclass(frozen=True)
class ToolCallSpec:
    """One tool call the fake model makes. `arguments` may be raw text, to script invalid JSON."""

    name: str
    arguments: str
    id: str


@dataclass(frozen=True)
class Reply:
    text: str = ""
    tool_calls: tuple[ToolCallSpec, ...] = ()
    reasoning: str = ""
    usage: tuple[int, int] | None = None
    chunk_size: int = 8
    style: Style = "mistral"
    finish: str | None = None
    # Seconds between streamed chunks; 0 for tests, a little for demos that should look live.
    chunk_delay: float = 0.0
    # What the endpoint says when it refuses (OpenAI's `refusal` field), e.g. with a
    # `content_filter` finish.
    refusal: str = ""

    @property
    def finish_reason(self) -> str:
        if self.finish is not None:
            return self.finish
        return "tool_calls" if self.tool_calls else "stop"


def call(name: str, args: Mapping[str, Any] | str | None = None, id: str | None = None) -> ToolCallSpec:
    """A tool call; pass `id` to force one (e.g. to make a server reuse ids)."""
    arguments = args if isinstance(args, str) else json.dumps(dict(args or {}))
    return ToolCallSpec(name=name, arguments=arguments, id=id or next_call_id())


def reply(
    text: str = "",
    *,
    tool_calls: list[ToolCallSpec] | tuple[ToolCallSpec, ...] = (),
    reasoning: str = "",
    usage: tuple[int, int] | None = None,
    chunk_size: int = 8,
    style: Style = "mistral",
    finish: str | None = None,
    chunk_delay: float = 0.0,
    refusal: str = "",
) -> Reply:
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    return Reply(text, tuple(tool_calls), reasoning, usage, chunk_size, style, finish, chunk_delay, refusal)


@dataclass
class RecordedRequest:
    """A chat request as the server received it, and what answered it."""

    body: JSON
    headers: dict[str, str]  # lower-cased names
    # "reply", "fault:<kind>", "echo", "exhausted", "unauthorized", "bad_request" or "error".
    answered_by: str = ""

    @property
    def messages(self) -> list[JSON]:
        messages = self.body.get("messages")
        return cast(list[JSON], messages) if isinstance(messages, list) else []

    @property
    def tools(self) -> list[JSON]:
        tools = self.body.get("tools")
        return cast(list[JSON], tools) if isinstance(tools, list) else []

    @property
    def tool_names(self) -> list[str]:
        return [str(tool.get("function", {}).get("name", "")) for tool in self.tools]

    @property
    def last_user_text(self) -> str:
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return content_text(message.get("content"))
        return ""

    @property
    def tool_results(self) -> list[str]:
        return [content_text(m.get("content")) for m in self.messages if m.get("role") == "tool"]

    @property
    def stream(self) -> bool:
        return bool(self.body.get("stream", False))


def content_text(content: object) -> str:
    """Message content as plain text: a string, or the text parts of a chunk list."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [cast(JSON, c).get("text") for c in cast(list[Any], content) if isinstance(c, dict)]
        return "".join(p for p in parts if isinstance(p, str))
    return ""


Step = Reply | Fault | Callable[[RecordedRequest], "Reply | Fault"]


@dataclass
class JsonScript:
    """A script read from a file, plus the server settings it may carry."""

    steps: list[Step] = field(default_factory=list[Step])
    model: str | None = None


def load_json_script(path: str | Path) -> JsonScript:
    """Read a demo script: a list of steps, or `{"model": ..., "steps": [...]}`.

    A step is `{"text", "tool_calls": [{"name", "arguments", "id"?}], "reasoning", "finish",
    "usage": [prompt, completion], "style", "chunk_size", "chunk_delay"}` or a fault:
    `{"fault": "429", "retry_after": 1}`, `{"fault": "drop", "text": ...}`,
    `{"fault": "stall", "text": ..., "seconds": ...}`, `{"fault": "malformed"}`,
    `{"fault": "keep_alive" | "trickle", "text": ..., "seconds": ...}`, `{"fault": "html"}`,
    `{"fault": "empty"}`, `{"fault": "bad_gzip"}`.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = cast(JSON, data)
        model = data.get("model")
        raw_steps = data.get("steps", [])
        return JsonScript(_steps_from_json(raw_steps), model if isinstance(model, str) else None)
    return JsonScript(_steps_from_json(data))


def _steps_from_json(raw_steps: object) -> list[Step]:
    if not isinstance(raw_steps, list):
        raise ValueError("a JSON script is a list of steps")
    steps: list[Step] = []
    for position, raw in enumerate(cast(list[Any], raw_steps)):
        if not isinstance(raw, dict):
            raise ValueError(f"step {position} is not a JSON object")
        steps.append(_step_from_json(cast(JSON, raw)))
    return steps


def _step_from_json(raw: JSON) -> Step:
    kind = raw.get("fault")
    if kind is None:
        calls = [
            call(c["name"], c.get("arguments"), c.get("id"))
            for c in cast(list[JSON], raw.get("tool_calls") or [])
        ]
        usage = raw.get("usage")
        return reply(
            str(raw.get("text", "")),
            tool_calls=calls,
            reasoning=str(raw.get("reasoning", "")),
            usage=(int(usage[0]), int(usage[1])) if isinstance(usage, list) else None,
            chunk_size=int(raw.get("chunk_size", 8)),
            style="openai" if raw.get("style") == "openai" else "mistral",
            finish=raw.get("finish"),
            chunk_delay=float(raw.get("chunk_delay", 0.0)),
        )
    kind = str(kind)
    if kind.isdigit() or kind == "status":
        code = int(kind) if kind.isdigit() else int(raw["status"])
        return fault.status(code, retry_after=raw.get("retry_after"), message=raw.get("message"))
    if kind == "drop":
        return fault.drop_after(str(raw.get("text", "")))
    if kind == "stall":
        return fault.stall_after(str(raw.get("text", "")), seconds=float(raw.get("seconds", 30.0)))
    if kind == "malformed":
        return fault.malformed(str(raw.get("text", "")))
    if kind in ("keep_alive", "trickle"):
        make = fault.keep_alive if kind == "keep_alive" else fault.trickle
        return make(str(raw.get("text", "")), seconds=float(raw.get("seconds", 30.0)))
    if kind == "html":
        return fault.html_page()
    if kind == "empty":
        return fault.empty_stream()
    if kind == "bad_gzip":
        return fault.bad_gzip()
    raise ValueError(f"unknown fault {kind!r}")

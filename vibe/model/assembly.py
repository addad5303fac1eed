"""Chat-completion chunks → vendor-neutral deltas, for one attempt of one request.

Text and reasoning pass straight through so the user sees them live. Tool calls are assembled
and released only once the model says it is finished, because they arrive in two shapes:
- Mistral sends each call whole in a single delta (id, name, full arguments), often with
  `index` 0 for every call of a parallel batch;
- OpenAI-style servers send index-keyed fragments: the first has id and name, later ones only
  append to `arguments` (some repeat the id, or id and name, on every fragment).
A fragment carrying an id never seen before therefore always starts a new call, whatever its
index; a fragment without an id continues the call at its index. A fragment repeating a known
id continues that call, unless it is plainly another one: at another stream index, or a named
whole call after the first call's arguments were already complete (servers do reuse ids inside
one message; the agent gives the second call a fresh id).

Calls are released with the stream's end, not its first `finish_reason`: some servers send
tool calls after it, and dropping them would leave the model's request silently unanswered.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any, cast

from vibe.messages import ToolCall, Usage
from vibe.model.deltas import (
    Delta,
    Finish,
    FinishReason,
    ReasoningDelta,
    TextDelta,
    ToolCallDelta,
    UsageDelta,
)
from vibe.model.surrogates import SurrogateJoiner, may_hide_surrogates, scrub

JSON = dict[str, Any]

_FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "eos": "stop",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "length": "length",
    "model_length": "length",
    "content_filter": "content_filter",
    "error": "error",
}


class ChunkError(Exception):
    """A chunk that is not what a chat-completions stream sends (a protocol failure)."""


@dataclass
class _PartialCall:
    id: str = ""
    name: str = ""
    argument_parts: list[str] = field(default_factory=list[str])
    index: int | None = None  # the stream index it arrived at, when the server gave one

    def arguments_complete(self) -> bool:
        try:
            json.loads("".join(self.argument_parts))
        except (ValueError, RecursionError):
            return False
        return True

    def continued_by(self, index: object, name: object) -> bool:
        """Whether a fragment at `index` carrying `name` belongs to this call."""
        if isinstance(index, int) and self.index is not None and index != self.index:
            return False
        # A second whole call at the same index (Mistral sends every call at index 0).
        return not (isinstance(name, str) and name and self.name and self.arguments_complete())

    def finished(self) -> ToolCall:
        arguments = _without_lone_surrogates("".join(self.argument_parts).strip() or "{}")
        # The agent needs an id to pair the result; servers that omit one get a Mistral-shaped id.
        return ToolCall(id=self.id or uuid.uuid4().hex[:9], name=scrub(self.name), arguments=arguments)


class StreamAssembler:
    def __init__(self) -> None:
        self._calls: list[_PartialCall] = []
        self._call_at_index: dict[int, _PartialCall] = {}
        self._usage: Usage | None = None
        self._text = SurrogateJoiner()
        self._reasoning = SurrogateJoiner()
        self._refusal: list[str] = []  # OpenAI-style `refusal` text, streamed apart from content
        self._filtered: list[str] = []  # Azure-style content filters that fired
        self.finish_reason: FinishReason | None = None
        # Pieces of model output seen (text, reasoning, tool-call fragments): what the idle
        # timeout watches, since bytes alone (keep-alive comments) say nothing of the model.
        self.output_pieces = 0
        self.saw_choice = False  # an answer at all: a stream without one is not a valid reply

    def feed(self, chunk: object) -> list[Delta]:
        """Deltas for one parsed chunk (text and reasoning at once, tool calls at the finish)."""
        if not isinstance(chunk, dict):
            raise ChunkError("a stream chunk is not a JSON object")
        chunk = cast(JSON, chunk)
        out: list[Delta] = []
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self._usage = _parse_usage(cast(JSON, usage))
        choices = chunk.get("choices")
        if not isinstance(choices, list) or not choices:
            return out  # a usage-only chunk, or a keep-alive some servers send as JSON
        choice = cast(list[Any], choices)[0]
        if not isinstance(choice, dict):
            raise ChunkError("a stream choice is not a JSON object")
        choice = cast(JSON, choice)
        self.saw_choice = True
        delta = choice.get("delta")
        if isinstance(delta, dict):
            out.extend(self._content_deltas(cast(JSON, delta)))
            self._absorb_tool_calls(cast(JSON, delta).get("tool_calls"))
        reason = choice.get("finish_reason")
        if isinstance(reason, str) and reason:
            self._filtered.extend(_filters_fired(choice.get("content_filter_results")))
            if self.finish_reason is None:
                self.finish_reason = _FINISH_REASONS.get(reason, "unknown")
        return out

    def finish(self) -> list[Delta]:
        """The closing deltas once the stream has ended: pending calls, usage, one `Finish`."""
        out: list[Delta] = []
        if reasoning := self._reasoning.flush():
            out.append(ReasoningDelta(reasoning))
        if text := self._text.flush():
            out.append(TextDelta(text))
        out.extend(ToolCallDelta(call.finished()) for call in self._calls)
        if self._usage is not None:
            out.append(UsageDelta(self._usage))
        # Without a finish_reason the caller only gets here after `data: [DONE]`: a normal end.
        reason: FinishReason = self.finish_reason or "stop"
        # llama.cpp and Ollama say "stop" even when they asked for tools; the loop needs to know.
        if reason == "stop" and self._calls:
            reason = "tool_calls"
        out.append(Finish(reason, self._refusal_text()))
        return out

    def _refusal_text(self) -> str:
        """What the endpoint said of a refusal: its words, and which of its filters fired."""
        words = scrub("".join(self._refusal)).strip()
        filters = f"filtered: {', '.join(self._filtered)}" if self._filtered else ""
        return "; ".join(part for part in (words, filters) if part)

    def _content_deltas(self, delta: JSON) -> list[Delta]:
        found: list[Delta] = []
        refusal = delta.get("refusal")
        if isinstance(refusal, str) and refusal:
            self._refusal.append(refusal)
            self.output_pieces += 1
        # vLLM renamed `reasoning_content` to `reasoning` and some versions send both: take one.
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if isinstance(reasoning, str) and reasoning:
            found.append(ReasoningDelta(reasoning))
        content = delta.get("content")
        if isinstance(content, str):
            if content:
                found.append(TextDelta(content))
        elif isinstance(content, list):
            for part in cast(list[Any], content):
                found.extend(_content_chunk_deltas(part))
        self.output_pieces += len(found)
        out: list[Delta] = []
        for item in found:
            if isinstance(item, TextDelta) and (text := self._text(item.text)):
                out.append(TextDelta(text))
            elif isinstance(item, ReasoningDelta) and (text := self._reasoning(item.text)):
                out.append(ReasoningDelta(text))
        return out

    def _absorb_tool_calls(self, fragments: object) -> None:
        if not isinstance(fragments, list):
            return
        for fragment in cast(list[Any], fragments):
            if isinstance(fragment, dict):
                self.output_pieces += 1
                self._absorb_fragment(cast(JSON, fragment))

    def _absorb_fragment(self, fragment: JSON) -> None:
        index = fragment.get("index")
        call_id = fragment.get("id")
        function = fragment.get("function")
        name = cast(JSON, function).get("name") if isinstance(function, dict) else None
        call = self._call_at_index.get(index) if isinstance(index, int) else None
        if isinstance(call_id, str) and call_id:
            known = next((c for c in reversed(self._calls) if c.id == call_id), None)
            if known is not None:
                call = known if known.continued_by(index, name) else None
            elif call is not None and call.id:
                call = None  # a new id: a new call, even at an index already in use (Mistral)
        elif call is None and self._calls and index is None:
            call = self._calls[-1]
        if call is not None and not call.continued_by(index, name):
            call = None
        if call is None:
            call = _PartialCall(id=call_id if isinstance(call_id, str) else "")
            call.index = index if isinstance(index, int) else None
            self._calls.append(call)
        elif isinstance(call_id, str) and call_id and not call.id:
            call.id = call_id
        if isinstance(index, int):
            self._call_at_index[index] = call
        if isinstance(function, dict):
            self._absorb_function(call, cast(JSON, function))

    @staticmethod
    def _absorb_function(call: _PartialCall, function: JSON) -> None:
        name = function.get("name")
        if isinstance(name, str) and name and not call.name:
            call.name = name
        arguments = function.get("arguments")
        if isinstance(arguments, str):
            call.argument_parts.append(arguments)
        elif isinstance(arguments, dict | list):
            # Some servers (Ollama, some proxies) send the arguments as a JSON value.
            call.argument_parts = [json.dumps(arguments, ensure_ascii=False)]


def _without_lone_surrogates(arguments: str) -> str:
    """Arguments JSON that decodes to encodable strings; unchanged unless it held a lone half."""
    if not may_hide_surrogates(arguments):
        return arguments
    text = scrub(arguments)  # surrogates sent as characters
    try:
        value: object = json.loads(text)
    except ValueError:
        return text  # not JSON: the dispatcher tells the model so
    repaired = _scrub_value(value)  # surrogates sent as escapes
    return text if repaired == value else json.dumps(repaired, ensure_ascii=False)


def _scrub_value(value: object) -> object:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_scrub_value(item) for item in cast(list[object], value)]
    if isinstance(value, dict):
        return {scrub(str(k)): _scrub_value(v) for k, v in cast(dict[object, object], value).items()}
    return value


def _filters_fired(results: object) -> list[str]:
    """`{"violence": {"filtered": true, "severity": "high"}, ...}` → `["violence (high)"]`."""
    if not isinstance(results, dict):
        return []
    fired: list[str] = []
    for category, verdict in cast(JSON, results).items():
        if isinstance(verdict, dict) and cast(JSON, verdict).get("filtered") is True:
            severity = cast(JSON, verdict).get("severity")
            name = scrub(category)
            fired.append(f"{name} ({scrub(severity)})" if isinstance(severity, str) else name)
    return fired


def _content_chunk_deltas(part: object) -> list[Delta]:
    """One entry of Mistral's chunk-list content: text, or thinking (itself a list of chunks)."""
    if not isinstance(part, dict):
        return []
    part = cast(JSON, part)
    kind = part.get("type")
    if kind == "text":
        text = part.get("text")
        return [TextDelta(text)] if isinstance(text, str) and text else []
    if kind == "thinking":
        thinking = part.get("thinking")
        if isinstance(thinking, str):
            return [ReasoningDelta(thinking)] if thinking else []
        if isinstance(thinking, list):
            joined = "".join(_chunk_text(inner) for inner in cast(list[Any], thinking))
            return [ReasoningDelta(joined)] if joined else []
    return []  # references, images and future chunk types carry nothing to show


def _chunk_text(chunk: object) -> str:
    if not isinstance(chunk, dict):
        return ""
    text = cast(JSON, chunk).get("text")
    return text if isinstance(text, str) else ""


def _parse_usage(usage: JSON) -> Usage:
    def count(key: str) -> int:
        value = usage.get(key)
        return value if isinstance(value, int) and value >= 0 else 0

    return Usage(prompt_tokens=count("prompt_tokens"), completion_tokens=count("completion_tokens"))

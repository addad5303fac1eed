"""One model request: stream deltas into events and collect the assistant's message.

A `Retrying` delta voids what the failed attempt produced: the partial text is dropped here (never
reaching the conversation) and a `retry` event tells frontends to drop what they showed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from vibe.messages import Message, ToolCall, Usage
from vibe.model import deltas
from vibe.model.client import ChatModel
from vibe.model.types import Sampling, ToolSpec
from vibe.protocol import events as ev


@dataclass(slots=True)
class TurnState:
    """What the current attempt has produced so far; readable after a cancellation."""

    turn_id: str
    text: list[str] = field(default_factory=list[str])
    reasoning: list[str] = field(default_factory=list[str])
    tool_calls: list[ToolCall] = field(default_factory=list[ToolCall])
    usage: Usage | None = None
    finish: deltas.FinishReason = "unknown"
    refusal: str = ""  # the endpoint's words when it refused to answer

    @property
    def full_text(self) -> str:
        return "".join(self.text)

    @property
    def full_reasoning(self) -> str:
        return "".join(self.reasoning)

    def produced_characters(self) -> int:
        """Characters of output so far, text, reasoning and calls (to estimate a cut answer)."""
        calls = sum(len(call.name) + len(call.arguments) for call in self.tool_calls)
        return len(self.full_text) + len(self.full_reasoning) + calls

    def reset(self) -> None:
        self.text.clear()
        self.reasoning.clear()
        self.tool_calls.clear()
        self.usage = None


async def stream_turn(
    model: ChatModel,
    messages: Sequence[Message],
    tools: Sequence[ToolSpec],
    sampling: Sampling,
    state: TurnState,
    emit: ev.Emit,
) -> None:
    async for delta in model.stream(messages, tools, sampling):
        match delta:
            case deltas.TextDelta(text=text):
                state.text.append(text)
                emit(ev.TextDelta(turn_id=state.turn_id, text=text))
            case deltas.ReasoningDelta(text=text):
                state.reasoning.append(text)
                emit(ev.ReasoningDelta(turn_id=state.turn_id, text=text))
            case deltas.ToolCallDelta(call=call):
                state.tool_calls.append(call)
            case deltas.UsageDelta(usage=usage):
                state.usage = usage
            case deltas.Retrying(attempt=attempt, delay_seconds=delay, reason=reason):
                state.reset()
                emit(ev.Retry(turn_id=state.turn_id, attempt=attempt, delay_seconds=delay, reason=reason))
            case deltas.Finish(reason=reason, refusal=refusal):
                state.finish, state.refusal = reason, refusal

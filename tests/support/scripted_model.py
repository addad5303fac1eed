"""The loop-level fake model: a ChatModel that replays scripted delta sequences.

Each request consumes the next step. A step is a list of deltas, a callable building one from the
messages sent, or an exception to raise.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from vibe.messages import Message, ToolCall, Usage
from vibe.model import deltas
from vibe.model.types import Sampling, ToolSpec

Step = list[deltas.Delta] | Callable[[Sequence[Message]], list[deltas.Delta]] | Exception


def text(answer: str, usage: tuple[int, int] = (100, 10)) -> list[deltas.Delta]:
    half = len(answer) // 2
    return [
        deltas.TextDelta(answer[:half]),
        deltas.TextDelta(answer[half:]),
        deltas.UsageDelta(Usage(prompt_tokens=usage[0], completion_tokens=usage[1])),
        deltas.Finish("stop"),
    ]


def calls(
    *specs: tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], str], say: str = ""
) -> list[deltas.Delta]:
    out: list[deltas.Delta] = [deltas.TextDelta(say)] if say else []
    for index, spec in enumerate(specs):
        call_id = spec[2] if len(spec) == 3 else f"call{index:05d}"
        out.append(deltas.ToolCallDelta(ToolCall(id=call_id, name=spec[0], arguments=json.dumps(spec[1]))))
    out += [deltas.UsageDelta(Usage(prompt_tokens=100, completion_tokens=20)), deltas.Finish("tool_calls")]
    return out


class ScriptedModel:
    def __init__(self, *steps: Step) -> None:
        self._steps = list(steps)
        self.requests: list[list[Message]] = []
        self.tools_seen: list[list[str]] = []

    async def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], sampling: Sampling
    ) -> AsyncIterator[deltas.Delta]:
        self.requests.append(list(messages))
        self.tools_seen.append([tool.name for tool in tools])
        if not self._steps:
            raise AssertionError("the scripted model was asked for more turns than scripted")
        step = self._steps.pop(0)
        if isinstance(step, Exception):
            raise step
        for delta in step(messages) if callable(step) else step:
            yield delta

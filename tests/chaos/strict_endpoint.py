"""A strict server's view of a request: what vLLM and Mistral's API refuse with a 400.

vLLM parses every earlier tool call's `arguments` as JSON before applying the chat template;
Mistral's API wants a name and a unique id on every call, each answered by one tool message.
Wrapping a step in `strict(...)` makes the fake endpoint answer 400 as they would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, cast

from tools.fake_mistral import RecordedRequest, Reply, fault
from tools.fake_mistral.fault import Fault


def problems(request: RecordedRequest) -> list[str]:
    """Everything a strict server would reject in the request's history."""
    found: list[str] = []
    seen_ids: set[str] = set()
    for message in request.messages:
        for raw_call in cast(list[Any], message.get("tool_calls") or []):
            tool_call = cast(dict[str, Any], raw_call)
            function = cast(dict[str, Any], tool_call.get("function") or {})
            call_id, name = str(tool_call.get("id", "")), str(function.get("name", ""))
            try:
                arguments: object = json.loads(str(function.get("arguments")))
            except ValueError:
                found.append(f"call {call_id}: arguments are not valid JSON")
            else:
                if not isinstance(arguments, dict):
                    found.append(f"call {call_id}: arguments are not a JSON object")
            if not name:
                found.append(f"call {call_id}: empty function name")
            if call_id in seen_ids:
                found.append(f"call {call_id}: id used twice")
            seen_ids.add(call_id)
    return found


def strict(step: Reply | Fault) -> Callable[[RecordedRequest], Reply | Fault]:
    def answer(request: RecordedRequest) -> Reply | Fault:
        if wrong := problems(request):
            return fault.status(400, message="; ".join(wrong))
        return step

    return answer

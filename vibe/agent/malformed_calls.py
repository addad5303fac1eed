"""What the model reads when its tool call could not even be tried: no name, or arguments that
are not a JSON object.

Such calls come from a model glitch or, most often, from an answer cut off by the output token
limit in the middle of a call's arguments. The call stays in the history as the model wrote it
(the model client sends a valid stand-in, see `vibe.model.history`), and its result says what
was wrong and how to retry, so the model can do better on the next turn.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

EXCERPT_CHARS = 200


def arguments_problem(tool_name: str, raw: str) -> str | None:
    """Why `raw` cannot be a call's arguments, as the model should read it; None when it can."""
    try:
        value: object = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as exc:
        if _ends_too_soon(raw, exc):
            return (
                f"Your call to {tool_name} was not run: its arguments were cut off before the JSON "
                "was complete (the answer reached the model's output limit, or ended early). Call it "
                "again with complete arguments; split large content over several smaller calls."
            )
        return (
            f"Your call to {tool_name} was not run: its arguments are not valid JSON ({exc.msg} at "
            f"character {exc.pos}): {_excerpt(raw)}. Call it again with a JSON object."
        )
    except RecursionError:
        return f"Your call to {tool_name} was not run: its arguments are nested too deeply to read."
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        return (
            f"Your call to {tool_name} was not run: its arguments must be a JSON object, not "
            f"{_JSON_NAMES.get(kind, kind)}: {_excerpt(raw)}. Call it again with a JSON object."
        )
    return None


def unknown_tool_problem(tool_name: str, available: Sequence[str]) -> str:
    names = ", ".join(available)
    if not tool_name.strip():
        return f"Your tool call has no tool name, so it was not run. Call one of these by name: {names}."
    return f"Unknown tool {tool_name!r}. Available tools: {names}."


_JSON_NAMES = {
    "list": "an array",
    "str": "a string",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean",
}


def _ends_too_soon(raw: str, error: json.JSONDecodeError) -> bool:
    """The text ran out before the JSON did: in a string, or after the last character."""
    return error.msg.startswith("Unterminated string") or error.pos >= len(raw.rstrip())


def _excerpt(raw: str) -> str:
    return raw if len(raw) <= EXCERPT_CHARS else raw[:EXCERPT_CHARS] + "…"

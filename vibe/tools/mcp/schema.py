"""An MCP server's tool names and input schemas, made safe to offer to the model.

Everything here comes from a program vibe does not control: a name may collide with a built-in
or carry control characters, a schema may be huge, self-referencing, or use keywords that
Mistral-compatible endpoints reject. Names are checked (never rewritten into something the user
did not configure), schemas are inlined, pruned to what endpoints accept and bounded in size.
"""

from __future__ import annotations

import json
import re
from typing import Any, cast

# Endpoints accept function names of letters, digits, `_` and `-`, at most 64 characters.
_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Keywords kept in a normalised schema: the common core every endpoint we target understands.
_KEPT_KEYWORDS = frozenset(
    {
        "type",
        "description",
        "properties",
        "required",
        "items",
        "enum",
        "const",
        "anyOf",
        "oneOf",
        "allOf",
        "default",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "pattern",
        "format",
        "additionalProperties",
    }
)
# A schema bigger than this (as JSON) costs too much on every request; the tool is left out.
MAX_SCHEMA_CHARS = 16_000
_MAX_DEPTH = 12
MAX_DESCRIPTION_CHARS = 2_000


class UnusableToolError(ValueError):
    """A tool the server offers that vibe will not offer the model; says why in one sentence."""


def tool_name(server: str, tool: str) -> str:
    """`mcp__<server>__<tool>`; UnusableToolError when that is not a valid function name."""
    name = f"mcp__{server}__{tool}"
    if not tool or not _FUNCTION_NAME.match(name):
        shown = tool.encode("unicode_escape").decode("ascii")[:80]
        raise UnusableToolError(
            f"tool {shown!r}: its name must be letters, digits, _ and - and fit in 64 characters"
        )
    return name


def normalise_schema(schema: object) -> dict[str, Any]:
    """The input schema as an object schema endpoints accept: `$ref`s into `$defs` inlined,
    unknown keywords dropped; UnusableToolError when it is not an object or is too big."""
    if not isinstance(schema, dict):
        raise UnusableToolError("its input schema is not a JSON object")
    root = cast(dict[str, Any], schema)
    if root.get("type", "object") != "object":
        raise UnusableToolError("its input schema does not describe an object")
    definitions = _definitions(root)
    normalised = _normalise(root, definitions, 0)
    normalised["type"] = "object"
    normalised.setdefault("properties", {})
    if len(json.dumps(normalised)) > MAX_SCHEMA_CHARS:
        raise UnusableToolError(f"its input schema is over {MAX_SCHEMA_CHARS:,} characters")
    return normalised


def _definitions(root: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key in ("$defs", "definitions"):
        table = root.get(key)
        if isinstance(table, dict):
            found.update({f"#/{key}/{name}": value for name, value in cast(dict[str, Any], table).items()})
    return found


def _normalise(node: object, definitions: dict[str, Any], depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise UnusableToolError(f"its input schema nests deeper than {_MAX_DEPTH} levels")
    if isinstance(node, list):
        return [_normalise(item, definitions, depth + 1) for item in cast(list[Any], node)]
    if not isinstance(node, dict):
        return node
    schema = cast(dict[str, Any], node)
    reference = schema.get("$ref")
    if isinstance(reference, str):
        if reference not in definitions:
            shown = reference[:80]
            raise UnusableToolError(f"its input schema refers to {shown!r}, which it does not define")
        # Depth bounds self-referencing definitions: they are cut off, not followed forever.
        return _normalise(definitions[reference], definitions, depth + 1)
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key not in _KEPT_KEYWORDS:
            continue
        if key == "properties" and isinstance(value, dict):
            result[key] = {
                str(name): _normalise(item, definitions, depth + 1)
                for name, item in cast(dict[str, Any], value).items()
            }
        elif key == "additionalProperties" and not isinstance(value, bool):
            continue  # a schema here is rarely understood by endpoints; leave it open
        else:
            result[key] = _normalise(value, definitions, depth + 1)
    return result

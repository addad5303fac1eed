"""Tool schemas as the model sees them, trimmed: every token is paid on every request."""

from __future__ import annotations

from typing import Any

from vibe.agent.context_size import specs_tokens
from vibe.model.types import ToolSpec
from vibe.tools.base import AnyTool, ToolRegistry

__all__ = ["schema_tokens", "tool_spec", "tool_specs"]


def _trim(schema: Any) -> Any:
    """Drops pydantic's auto-generated titles, which the model does not need."""
    if isinstance(schema, dict):
        trimmed: dict[str, Any] = {}
        for key, value in schema.items():  # pyright: ignore[reportUnknownVariableType]
            if key == "title" and isinstance(value, str):
                continue
            if key == "properties" and isinstance(value, dict):
                trimmed[key] = {name: _trim(prop) for name, prop in value.items()}  # pyright: ignore[reportUnknownVariableType]
                continue
            trimmed[str(key)] = _trim(value)  # pyright: ignore[reportUnknownArgumentType]
        return trimmed
    if isinstance(schema, list):
        return [_trim(item) for item in schema]  # pyright: ignore[reportUnknownVariableType]
    return schema


def tool_spec(tool: AnyTool) -> ToolSpec:
    return ToolSpec(
        name=tool.name,
        description=tool.description(),
        parameters=_trim(tool.parameters()),
    )


def tool_specs(registry: ToolRegistry) -> list[ToolSpec]:
    return [tool_spec(tool) for tool in registry]


def schema_tokens(tools: list[AnyTool]) -> int:
    """Estimated tokens `tools` add to every request (for `/status`: what MCP servers cost)."""
    return specs_tokens([tool_spec(tool) for tool in tools])

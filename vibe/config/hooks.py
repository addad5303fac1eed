"""`[[hooks]]`: the user's own programs, run in the sandbox at points of a conversation.

Hooks add up across the config layers (the user's first, then a trusted repository's), instead of
one layer's list replacing another's: a repository must not drop the user's own hooks. A
repository's hooks are a loosening key (vibe.config.project_layer): they apply only in a folder
the user trusts for that exact content. Each hook remembers the file that named it, for the
events and the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, Self, cast

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

__all__ = ["HOOK_EVENTS", "HookEvent", "HookSpec", "layered_hooks", "with_sources"]

HookEvent = Literal["pre_tool", "post_tool", "user_prompt", "stop", "session_start"]
HOOK_EVENTS: tuple[HookEvent, ...] = ("pre_tool", "post_tool", "user_prompt", "stop", "session_start")
_TOOL_EVENTS = ("pre_tool", "post_tool")


class HookSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event: HookEvent
    # A tool name or a glob over tool names ("bash", "mcp__git__*"); none: every tool.
    matcher: str | None = Field(default=None, min_length=1)
    # Run with bash -c in the workspace, in the sandbox the bash tool uses.
    command: str = Field(min_length=1)
    timeout: float = Field(default=60.0, gt=0, le=600)
    # The config file that named it (set by `with_sources`, never from a file).
    _source: str = PrivateAttr(default="")

    @model_validator(mode="after")
    def _matcher_for_tools(self) -> Self:
        if self.matcher is not None and self.event not in _TOOL_EVENTS:
            raise ValueError(f"a matcher only applies to pre_tool and post_tool hooks, not {self.event}")
        return self

    @property
    def source(self) -> str:
        return self._source


def layered_hooks(layers: Sequence[tuple[str, Mapping[str, Any]]]) -> tuple[list[Any], list[str]]:
    """Every layer's `hooks` entries in layer order, and the name of the layer each came from."""
    entries: list[Any] = []
    sources: list[str] = []
    for source, data in layers:
        found = data.get("hooks")
        if isinstance(found, list):
            entries += cast(list[Any], found)
            sources += [source] * len(cast(list[Any], found))
    return entries, sources


def with_sources(hooks: tuple[HookSpec, ...], sources: Sequence[str]) -> tuple[HookSpec, ...]:
    for hook, source in zip(hooks, sources, strict=False):
        hook._source = source  # pyright: ignore[reportPrivateUsage] - set once, by the loader
    return hooks

"""The tool contract: written once, used by every frontend.

A tool is two-phase so that approvals can show exactly what will happen:

1. `prepare(args, ctx)` validates, reads what it needs and returns either a `ToolResult` (a bad
   call the model should read about: file not found, text not found, path outside the workspace)
   or an `Invocation` describing the effect (title, diff for writes, command for shells).
2. If policy and the approver allow it, the dispatcher awaits `invocation.execute()`, which
   applies exactly what was described (for writes: exactly the diff shown).

Only real bugs raise. `ToolError` is the shortcut for "this call is bad": the dispatcher turns
it into an error result.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from vibe.prompts import load_prompt
from vibe.sandbox.base import Sandbox
from vibe.tools.fs import FileSystem
from vibe.tools.workspace import Workspace
from vibe.unicode_text import scrub

ToolKind = Literal["read", "edit", "delete", "move", "search", "execute", "think", "fetch", "other"]


class ToolError(Exception):
    """A bad call, reported to the model as a readable error result."""


class TodoItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    content: str
    status: Literal["pending", "in_progress", "completed"]


@dataclass(frozen=True, slots=True)
class ToolResult:
    output: str
    ok: bool = True
    diff: str | None = None
    # Set by the todo tool: the model's current plan, carried in events.
    plan: tuple[TodoItem, ...] | None = None
    # A warning that is also in `output` (a write that broke the file's syntax), for frontends
    # that show a write's diff instead of its output.
    notice: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "output", scrub(self.output))
        if self.diff is not None:
            object.__setattr__(self, "diff", scrub(self.diff))
        if self.notice is not None:
            object.__setattr__(self, "notice", scrub(self.notice))

    @classmethod
    def error(cls, message: str) -> ToolResult:
        return cls(output=message, ok=False)


@dataclass(frozen=True, slots=True)
class Invocation:
    """What a prepared call will do; shown for approval, then executed as described."""

    title: str
    execute: Callable[[], Awaitable[ToolResult]]
    locations: tuple[str, ...] = ()
    # True when executing changes files or runs a command (anything not read-only).
    mutates: bool = False
    # For writes: the exact unified diff `execute` applies.
    diff: str | None = None
    # For shells: the command line as the user should read it.
    command: str | None = None
    # Set by file tools when the change touches repository metadata: why, for the policy
    # ("it is inside .git", "it would make x a git directory").
    metadata: str | None = None
    # Seconds after which the tool stops itself (bash's timeout_seconds); the dispatcher's
    # general per-call limit then allows at least that long.
    own_timeout: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", scrub(self.title))
        object.__setattr__(self, "locations", tuple(scrub(where) for where in self.locations))
        if self.diff is not None:
            object.__setattr__(self, "diff", scrub(self.diff))


@dataclass(slots=True)
class ToolContext:
    workspace: Workspace
    fs: FileSystem
    sandbox: Sandbox
    # Streams partial output of a running call (e.g. a command's stdout) to the frontends.
    emit_output: Callable[[str], None] = field(default=lambda _text: None)
    # Wall-clock seconds one call may run ([limits] tool_timeout); None: no limit.
    tool_timeout: float | None = None


ArgsT = TypeVar("ArgsT", bound=BaseModel)


class Tool(ABC, Generic[ArgsT]):
    """Base class of every tool. Subclasses set the class variables and implement `prepare`."""

    name: ClassVar[str]
    args_model: ClassVar[type[BaseModel]]
    kind: ClassVar[ToolKind]
    # Read-only tools never need approval and may run concurrently within one model turn.
    read_only: ClassVar[bool]

    def description(self) -> str:
        return load_prompt(f"tools/{self.name}.md")

    @abstractmethod
    async def prepare(self, args: ArgsT, ctx: ToolContext) -> Invocation | ToolResult: ...


# Tools differ in their Args type; the registry and dispatcher treat them uniformly.
AnyTool = Tool[Any]


class ToolRegistry:
    """Name → tool. Built-ins and (later) MCP bridges register through the same call."""

    def __init__(self) -> None:
        self._tools: dict[str, AnyTool] = {}

    def register(self, tool: AnyTool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"tool {tool.name!r} registered twice")
        self._tools[tool.name] = tool

    def get(self, name: str) -> AnyTool | None:
        return self._tools.get(name)

    def names(self) -> list[str]:
        return list(self._tools)

    def __iter__(self) -> Iterator[AnyTool]:
        return iter(self._tools.values())

"""The tool contract: written once, used by every frontend.

A tool is an object that carries its own name, argument schema, validation and description, so
one can be built at run time (an MCP server's tool, a custom agent's restricted set) as well as
written as a class. It is two-phase so that approvals can show exactly what will happen:

1. `parse(arguments)` validates the model's arguments; `prepare(args, ctx)` reads what it needs
   and returns either a `ToolResult` (a bad call the model should read about: file not found,
   text not found, path outside the workspace) or an `Invocation` describing the effect (title,
   diff for writes, command for shells).
2. If policy and the approver allow it, the dispatcher awaits `invocation.execute()`, which
   applies exactly what was described (for writes: exactly the diff shown).

Only real bugs raise something else. `ToolError` (and its subclasses, each tool's own refusals)
is the shortcut for "this call is bad": the dispatcher turns it into an error result.
"""

from __future__ import annotations

import asyncio
import copy
import fnmatch
import functools
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from vibe.prompts import load_prompt
from vibe.sandbox.base import Sandbox
from vibe.tools.errors import ToolArgumentsError, ToolError
from vibe.tools.fs import FileSystem
from vibe.tools.source_prompts import SourcePrompt
from vibe.tools.source_status import ServerStatus, SourceNotice
from vibe.tools.workspace import Workspace
from vibe.unicode_text import scrub

__all__ = [
    "AnyTool",
    "Invocation",
    "TodoItem",
    "Tool",
    "ToolArgumentsError",
    "ToolContext",
    "ToolError",
    "ToolKind",
    "ToolRegistry",
    "ToolResult",
    "ToolSource",
]

log = logging.getLogger("vibe.tools")

ToolKind = Literal["read", "edit", "delete", "move", "search", "execute", "think", "fetch", "other"]


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
    # True when the effect is decided by a program vibe's sandbox does not wholly confine (an MCP
    # server's tool): auto mode does not cover it, so it asks unless a rule allows it.
    unconfined_effect: bool = False

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
    # Set by the dispatcher for each call: its id, and the run it is part of (a
    # `vibe.agent.parent_run.ParentRun`), for a tool that delegates work to a subagent.
    call_id: str = ""
    parent_run: Any = None


ArgsT = TypeVar("ArgsT")


class Tool(ABC, Generic[ArgsT]):
    """Base class of every tool. A built-in sets the attributes on its class and declares its
    arguments as a pydantic model; a tool made at run time sets them on the instance and
    overrides `parameters` and `parse`."""

    name: str
    kind: ToolKind
    # Read-only tools never need approval and may run concurrently within one model turn.
    read_only: bool
    # The arguments' model, for tools that declare one (`parameters` and `parse` use it).
    args_model: type[BaseModel]

    def description(self) -> str:
        return load_prompt(f"tools/{self.name}.md")

    def parameters(self) -> dict[str, Any]:
        """The JSON schema of the arguments, as the model is shown it."""
        return copy.deepcopy(_json_schema(self.args_model))

    def parse(self, arguments: dict[str, Any]) -> ArgsT:
        """The model's arguments, checked; raises ToolArgumentsError saying what to fix."""
        # Local models often send null for an optional argument: treat it as absent.
        present = {key: value for key, value in arguments.items() if value is not None}
        try:
            return self.args_model.model_validate(present)  # pyright: ignore[reportReturnType]
        except ValidationError as exc:
            raise ToolArgumentsError(_validation_message(self.name, exc)) from None

    @abstractmethod
    async def prepare(self, args: ArgsT, ctx: ToolContext) -> Invocation | ToolResult: ...


def _validation_message(tool_name: str, exc: ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'arguments'}: {err['msg']}" for err in exc.errors()
    )
    return f"Invalid arguments for {tool_name}: {problems}. Fix the arguments and call it again."


# Tools differ in their Args type; the registry and dispatcher treat them uniformly.
AnyTool = Tool[Any]


class ToolSource(ABC):
    """Tools that come and go with something the engine starts and stops (an MCP server): the
    registry starts each source when the conversation starts and closes it at the end. A source
    adds its tools to the registry when they are ready, which may be after the first request."""

    @abstractmethod
    async def start(self, registry: ToolRegistry) -> None: ...

    @abstractmethod
    async def aclose(self) -> None: ...

    async def settled(self) -> None:
        """Returns once the source's tools are registered or it has given up (bounded by the
        source's own start-up timeout). A run with no one to wait for it (headless) awaits this
        before its first request."""
        return

    def failure(self) -> str | None:
        """Why the source has no tools, in one sentence for the user; None while all is well."""
        return None

    def status(self) -> ServerStatus | None:
        """The source's state for `/mcp` and `/status`; None for a source with nothing to show."""
        return None

    async def restart(self) -> None:
        """Stops the source and starts it again (`/mcp restart`); its tools rejoin when ready."""
        raise ToolError("this tool source cannot be restarted")

    def prompts(self) -> list[SourcePrompt]:
        """The prompts the source offers as slash commands (an MCP server's), once it is ready."""
        return []

    async def get_prompt(self, name: str, arguments: dict[str, str]) -> str:
        """The text of the prompt `name` filled in with `arguments`; ToolError saying why not."""
        raise ToolError("this tool source has no prompts")


class ToolRegistry:
    """Name → tool. Built-ins, tools from sources started at run time and (later) MCP bridges
    register through the same call; `version` changes whenever the set does, so the agent knows
    to show the model the new list at its next request."""

    def __init__(self) -> None:
        self._tools: dict[str, AnyTool] = {}
        self._sources: list[ToolSource] = []
        self._started: list[ToolSource] = []
        # A custom agent's allow-list (names or globs); None: every tool registered.
        self._allowed: tuple[str, ...] | None = None
        self.version = 0
        # Notices of sources whose state changed for the worse, held until someone listens.
        self._held: list[SourceNotice] = []
        self._listener: Callable[[SourceNotice], None] | None = None

    def register(self, tool: AnyTool) -> None:
        if tool.name in self._tools:
            raise ValueError(f"tool {tool.name!r} registered twice")
        self._tools[tool.name] = tool
        self.version += 1

    def unregister(self, name: str) -> None:
        if self._tools.pop(name, None) is not None:
            self.version += 1

    def get(self, name: str, *, even_hidden: bool = False) -> AnyTool | None:
        """`even_hidden`: also a tool an allow-list hides (for the user's own `!command`)."""
        return self._tools.get(name) if even_hidden or self._offered(name) else None

    def names(self) -> list[str]:
        return [name for name in self._tools if self._offered(name)]

    def __iter__(self) -> Iterator[AnyTool]:
        return iter([tool for name, tool in self._tools.items() if self._offered(name)])

    def restrict(self, allowed: tuple[str, ...] | None) -> None:
        """Offers only the tools `allowed` names (a name or glob each; None: all of them), tools
        that join later included: the model is neither shown nor allowed to call the others."""
        self._allowed = allowed
        self.version += 1

    def _offered(self, name: str) -> bool:
        allowed = self._allowed
        return allowed is None or any(fnmatch.fnmatchcase(name, pattern) for pattern in allowed)

    def add_source(self, source: ToolSource) -> None:
        self._sources.append(source)

    def sources(self) -> list[ToolSource]:
        return list(self._sources)

    def notify(self, notice: SourceNotice) -> None:
        """A source tells the user something (once): to the listener, or held until there is one."""
        if self._listener is not None:
            self._listener(notice)
        else:
            self._held.append(notice)

    def listen(self, listener: Callable[[SourceNotice], None] | None) -> None:
        """Sends the held notices, then every later one, to `listener` (None: hold them again)."""
        self._listener = listener
        if listener is not None:
            held, self._held = self._held, []
            for notice in held:
                listener(notice)

    async def start(self) -> None:
        """Starts every source not yet started (each adds its tools when it is ready)."""
        for source in self._sources:
            if source not in self._started:
                self._started.append(source)
                await source.start(self)

    async def wait_settled(self) -> list[str]:
        """Waits until every started source has registered its tools or given up; returns the
        failures."""
        started = list(self._started)
        await asyncio.gather(*(source.settled() for source in started))
        failures = [failure for source in started if (failure := source.failure()) is not None]
        # Told through the answer: the notices saying the same are not held for a listener too.
        told = {notice for notice in self._held if notice.state == "failed"}
        self._held = [notice for notice in self._held if notice not in told]
        return failures

    async def aclose(self) -> None:
        """Stops the sources, the last started first but all at once (each server's shutdown
        is a wait, not work); one failing to stop is logged and does not keep the others up
        (closing happens on the way out, where nobody could act on an error)."""
        started, self._started = self._started, []
        outcomes = await asyncio.gather(
            *(source.aclose() for source in reversed(started)), return_exceptions=True
        )
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                log.error("a tool source failed to stop", exc_info=outcome)


@functools.cache
def _json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A model's JSON schema, made once: pydantic takes about a millisecond per tool, and the
    tools' specs are made again whenever the set changes (an MCP server's tools join)."""
    return model.model_json_schema()

"""Custom agents: a name, a description, instructions, and what the agent may use.

An agent file is Markdown with front-matter (`name`, `description`, optional `model`,
`permission_mode`, `tools`, `max_turns`); its body is the instructions that join the system
prompt. Two agents are built in (`plan`, `review`); the user's `$VIBE_HOME/agents/` and a trusted
repository's `.vibe/agents/` add more. The first definition of a name wins (built-in, then the
user's, then the repository's), so a repository can never replace an agent the user relies on.
A broken file is one sentence naming it; the others still load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, cast, get_args

from vibe.config.settings import PermissionMode
from vibe.extensions.definition import DefinitionError, MarkdownDefinition, read_definition
from vibe.extensions.places import extension_places

__all__ = ["AgentCatalog", "AgentDefinition", "AgentOrigin", "built_in_agents", "load_agents"]

AgentOrigin = Literal["built-in", "user", "project"]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_.*?\[\]-]{1,128}$")
# Read-only tools the built-in agents use (the git tools for review, code search for both).
_READING = ("read_file", "grep", "glob", "outline", "find_symbol")
_GIT_READING = ("git_status", "git_diff", "git_log", "git_show", "git_blame")


@dataclass(frozen=True, slots=True)
class AgentDefinition:
    name: str
    description: str
    instructions: str
    origin: AgentOrigin
    path: Path | None = None
    model: str | None = None
    # A ceiling: the agent runs at most this permissive (never more than the user runs with).
    permission_mode: PermissionMode | None = None
    # An allow-list of tool names (None: every tool the conversation has).
    tools: tuple[str, ...] | None = None
    max_turns: int | None = None


@dataclass(frozen=True, slots=True)
class AgentCatalog:
    agents: dict[str, AgentDefinition] = field(default_factory=dict[str, AgentDefinition])
    # One sentence per file that could not be used, for the user; `problem_files` names each
    # one's file, in the same order.
    problems: tuple[str, ...] = ()
    problem_files: tuple[Path, ...] = ()

    def get(self, name: str) -> AgentDefinition | None:
        return self.agents.get(name)

    def names(self) -> list[str]:
        return list(self.agents)


def built_in_agents(instructions: dict[str, str]) -> list[AgentDefinition]:
    """`instructions`: the text of `prompts/agents/<name>.md` for each built-in name."""
    return [
        AgentDefinition(
            name="plan",
            description="Explores the code read-only and proposes a plan; changes nothing.",
            instructions=instructions["plan"],
            origin="built-in",
            permission_mode="plan",
            tools=(*_READING, *_GIT_READING, "bash", "todo", "task"),
        ),
        AgentDefinition(
            name="review",
            description="Reviews the working tree's diff (or a ref's) and reports findings; writes nothing.",
            instructions=instructions["review"],
            origin="built-in",
            permission_mode="plan",
            tools=(*_READING, *_GIT_READING),
        ),
    ]


def load_agents(
    home: Path, project: Path | None, *, trusted: bool, built_in: list[AgentDefinition]
) -> AgentCatalog:
    """Every agent: `built_in` first, then the user's files, then a trusted repository's."""
    agents = {agent.name: agent for agent in built_in}
    problems: list[str] = []
    problem_files: list[Path] = []
    for place in extension_places("agents", home, project, trusted=trusted):
        try:
            files = sorted(place.folder.glob("*.md")) if place.folder.is_dir() else []
        except OSError:
            continue
        for path in files:
            try:
                agent = _agent_from(read_definition(path), place.origin)
            except DefinitionError as exc:
                problems.append(str(exc))
                problem_files.append(path)
                continue
            known = agents.get(agent.name)
            if known is not None:
                where = str(known.path) if known.path else "vibe itself"
                problems.append(f"{path}: agent `{agent.name}` is already defined by {where}; ignored")
                problem_files.append(path)
                continue
            agents[agent.name] = agent
    return AgentCatalog(agents, tuple(problems), tuple(problem_files))


def _agent_from(definition: MarkdownDefinition, origin: Literal["user", "project"]) -> AgentDefinition:
    path = definition.path
    name = definition.text("name") or path.stem
    if not _NAME.match(name):
        raise DefinitionError(f"{path}: agent name `{name}` must be lower-case letters, digits, - or _")
    description = definition.text("description")
    if not description:
        raise DefinitionError(f"{path}: a `description` is required (say when to use the agent)")
    mode = definition.text("permission_mode")
    if mode is not None and mode not in get_args(PermissionMode):
        choices = ", ".join(get_args(PermissionMode))
        raise DefinitionError(f"{path}: `permission_mode` must be one of {choices}, not `{mode}`")
    return AgentDefinition(
        name=name,
        description=" ".join(description.split()),
        instructions=definition.body,
        origin=origin,
        path=path,
        model=definition.text("model") or None,
        permission_mode=cast(PermissionMode | None, mode),
        tools=_tools(definition),
        max_turns=_max_turns(definition),
    )


def _tools(definition: MarkdownDefinition) -> tuple[str, ...] | None:
    value = definition.meta.get("tools")
    if value is None:
        return None
    # Claude Code writes `tools: Read, Grep`; a YAML list is the other common spelling.
    items: list[object] = (
        [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, str)
        else cast(list[object], value)
        if isinstance(value, list)
        else [value]
    )
    if not all(isinstance(item, str) and _TOOL_NAME.match(item) for item in items):
        raise DefinitionError(f"{definition.path}: `tools` must be a list of tool names")
    return tuple(cast(list[str], items))


def _max_turns(definition: MarkdownDefinition) -> int | None:
    value = definition.meta.get("max_turns")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise DefinitionError(f"{definition.path}: `max_turns` must be a whole number of at least 1")
    return value

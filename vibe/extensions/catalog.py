"""The slash commands that expand to a prompt, from every source, with one name each.

Sources come in the order they win: built-in commands (their names only; a frontend handles
them) > the user's commands > the repository's > user-invocable skills > MCP prompts (a
conversation's servers list them after start-up, so they are `joined` to the catalog then). A
name taken by an earlier source drops the later one, with a warning that names both, shown to
the user once.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

__all__ = ["CommandCatalog", "CommandSource", "Expansion", "PromptCommand", "build_catalog"]

CommandSource = Literal["user", "project", "skill", "mcp"]
# `/name` then everything after it (the arguments may span lines).
_TYPED = re.compile(r"/(\S+)(.*)", re.DOTALL)
_SOURCE_NAMES: dict[CommandSource, str] = {
    "user": "your command",
    "project": "the repository's command",
    "skill": "the skill",
    "mcp": "the MCP prompt",
}


@dataclass(frozen=True, slots=True)
class PromptCommand:
    """A slash command whose effect is a prompt: `render(arguments)` is the text sent (awaited
    when it must be fetched, as an MCP prompt is)."""

    name: str
    description: str
    hint: str | None
    source: CommandSource
    path: Path | None
    render: Callable[[str], str | Awaitable[str]]

    @property
    def slash(self) -> str:
        return f"/{self.name}"

    @property
    def shown_as(self) -> str:
        where = f" ({self.path})" if self.path is not None else ""
        return f"{_SOURCE_NAMES[self.source]} /{self.name}{where}"


@dataclass(frozen=True, slots=True)
class Expansion:
    """A typed `/name args` that names a prompt command, and the prompt it becomes."""

    command: PromptCommand
    arguments: str
    prompt: str


@dataclass(frozen=True, slots=True)
class CommandCatalog:
    commands: tuple[PromptCommand, ...] = ()
    # One sentence per command dropped because another took its name.
    warnings: tuple[str, ...] = ()
    # The built-in names, which no command can take.
    reserved: frozenset[str] = frozenset()

    def find(self, typed: str) -> PromptCommand | None:
        name = typed.removeprefix("/").lower()
        return next((command for command in self.commands if command.name == name), None)

    def typed_name(self, text: str) -> str | None:
        """The `name` of a `/name args` text (known or not); None for text that is not one."""
        typed = _TYPED.match(text.strip())
        return typed.group(1).lower() if typed is not None else None

    async def expand(self, text: str) -> Expansion | None:
        """The prompt `text` becomes when it starts with a known `/name`; None otherwise (it is
        sent as typed). Reading a skill's body may raise DefinitionError; fetching an MCP prompt
        raises what its source raises."""
        typed = _TYPED.match(text.strip())
        if typed is None:
            return None
        command = self.find(typed.group(1))
        if command is None:
            return None
        arguments = typed.group(2).strip()
        prompt = command.render(arguments)
        if not isinstance(prompt, str):
            prompt = await prompt
        return Expansion(command, arguments, prompt)

    def joined(self, source: Iterable[PromptCommand]) -> CommandCatalog:
        """This catalog with `source` after every source it has (losing every collision)."""
        added = _resolve(self.reserved, {command.name: command for command in self.commands}, [source])
        commands, warnings = added
        return CommandCatalog(commands, (*self.warnings, *warnings), self.reserved)


def build_catalog(builtin: Iterable[str], sources: Sequence[Iterable[PromptCommand]]) -> CommandCatalog:
    """One command per name: `builtin` names first, then each source in turn."""
    reserved = frozenset(name.lower() for name in builtin)
    commands, warnings = _resolve(reserved, {}, sources)
    return CommandCatalog(commands, warnings, reserved)


def _resolve(
    reserved: frozenset[str], taken: dict[str, PromptCommand], sources: Sequence[Iterable[PromptCommand]]
) -> tuple[tuple[PromptCommand, ...], tuple[str, ...]]:
    taken = dict(taken)
    warnings: list[str] = []
    for source in sources:
        for command in source:
            if command.name in reserved:
                warnings.append(f"{command.shown_as} is ignored: /{command.name} is a built-in command")
            elif (winner := taken.get(command.name)) is not None:
                warnings.append(f"{command.shown_as} is ignored: {winner.shown_as} has that name")
            else:
                taken[command.name] = command
    return tuple(taken.values()), tuple(warnings)

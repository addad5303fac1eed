"""Custom slash commands: a Markdown prompt file whose name is the command.

`review.md` is `/review`; a file one folder down is namespaced as other agents do it
(`git/commit.md` is `/git:commit`). The front-matter may give a `description` and an
`argument-hint`, shown in completion; the body is the prompt, with `$ARGUMENTS` (all the words
after the command) and `$1`…`$9` (each word, quotes group words) filled in.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from vibe.extensions.definition import DefinitionError, read_definition
from vibe.extensions.header_cache import HeaderCache
from vibe.extensions.places import Origin

__all__ = ["CustomCommand", "command_name", "expand_arguments", "load_command"]

_PART = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
# One pass over the body, so an argument that itself holds `$1` is never expanded again.
_PLACEHOLDER = re.compile(r"\$(ARGUMENTS|[1-9](?![0-9]))")


@dataclass(frozen=True, slots=True)
class CustomCommand:
    name: str  # as typed after the slash, e.g. "review" or "git:commit"
    description: str | None
    argument_hint: str | None
    body: str
    path: Path
    origin: Origin


def command_name(folder: Path, path: Path) -> str | None:
    """`git/commit.md` under `folder` → "git:commit"; None for a name that cannot be typed."""
    parts = [*path.relative_to(folder).parent.parts, path.stem]
    lowered = [part.lower() for part in parts]
    if not all(_PART.match(part) for part in lowered):
        return None
    return ":".join(lowered)


def load_command(folder: Path, path: Path, origin: Origin, cache: HeaderCache | None = None) -> CustomCommand:
    """The command in `path` (a file under `folder`); raises DefinitionError naming it."""
    name = command_name(folder, path)
    if name is None:
        raise DefinitionError(
            f"{path}: not a usable command name (letters, digits, `-`, `_` and `.`, starting with a "
            "letter or digit)"
        )
    definition = read_definition(path, cache)
    description = definition.text("description")
    if not definition.body:
        raise DefinitionError(f"{path}: the prompt (the text after the front-matter) is empty")
    return CustomCommand(
        name=name,
        description=" ".join(description.split()) if description else None,
        argument_hint=definition.text("argument-hint"),
        body=definition.body,
        path=path,
        origin=origin,
    )


def expand_arguments(body: str, arguments: str) -> str:
    """`body` with `$ARGUMENTS` and `$1`…`$9` filled in from `arguments`. A prompt that uses
    none of them gets the arguments appended, so nothing the user typed is lost."""
    arguments = arguments.strip()
    if not _PLACEHOLDER.search(body):
        return f"{body}\n\nARGUMENTS: {arguments}" if arguments else body
    try:
        words = shlex.split(arguments)
    except ValueError:  # an unclosed quote: take the words as typed
        words = arguments.split()

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "ARGUMENTS":
            return arguments
        index = int(key) - 1
        return words[index] if index < len(words) else ""

    return _PLACEHOLDER.sub(fill, body)

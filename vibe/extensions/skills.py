"""Skills in the Agent Skills format: a folder holding `SKILL.md` and whatever files it needs.

Only a skill's name and description are read up front (they join the system prompt); its body
is read when the model asks for it with the `skill` tool, and its other files with the normal
tools (progressive disclosure). Field names follow the open format (`name`, `description`) and
the two switches other agents use: `user-invocable` (also a slash command, default yes) and
`disable-model-invocation` (kept out of the model's list, default no).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from vibe.extensions.definition import DefinitionError, MarkdownDefinition, read_definition
from vibe.extensions.header_cache import HeaderCache
from vibe.extensions.places import Origin

__all__ = ["SKILL_FILE", "Skill", "load_skill", "skill_body", "valid_skill_name"]

SKILL_FILE = "SKILL.md"
# The open format's rule: lower-case letters, digits and single hyphens, at most 64 characters.
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_MAX_NAME = 64
_MAX_DESCRIPTION = 1024


@dataclass(frozen=True, slots=True)
class Skill:
    name: str
    description: str
    folder: Path  # symlinks resolved: the folder the model may read
    path: Path  # its SKILL.md
    origin: Origin
    user_invocable: bool = True
    model_invocable: bool = True
    argument_hint: str | None = None


def valid_skill_name(name: str) -> bool:
    return len(name) <= _MAX_NAME and bool(_NAME.match(name))


def load_skill(
    folder: Path, origin: Origin, *, inside: Path | None = None, cache: HeaderCache | None = None
) -> Skill:
    """The skill in `folder`; raises DefinitionError naming its SKILL.md. `inside`: a folder the
    skill must resolve into (a repository's skill may not point elsewhere on the disk)."""
    path = folder / SKILL_FILE
    real = Path(os.path.realpath(folder))
    if inside is not None and not real.is_relative_to(os.path.realpath(inside)):
        raise DefinitionError(f"{path}: the skill's folder links outside the repository")
    definition = read_definition(path, cache)
    name = definition.text("name") or folder.name
    if not valid_skill_name(name):
        raise DefinitionError(
            f"{path}: `name` must be lower-case letters, digits and single hyphens (at most 64), "
            f"not {name[:80]!r}"
        )
    if name != folder.name:
        raise DefinitionError(
            f"{path}: `name` is {name!r} but the folder is {folder.name!r}; they must match"
        )
    description = " ".join((definition.text("description") or "").split())
    if not description:
        raise DefinitionError(
            f"{path}: `description` is missing (say what the skill does and when to use it)"
        )
    return Skill(
        name=name,
        description=description[:_MAX_DESCRIPTION],
        folder=real,
        path=real / SKILL_FILE,
        origin=origin,
        user_invocable=_switch(definition, "user-invocable", True),
        model_invocable=not _switch(definition, "disable-model-invocation", False),
        argument_hint=definition.text("argument-hint"),
    )


def skill_body(skill: Skill) -> str:
    """The skill's instructions, read now (they may have changed since it was listed). Raises
    DefinitionError."""
    return read_definition(skill.path).body


def _switch(definition: MarkdownDefinition, key: str, default: bool) -> bool:
    value = definition.meta.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise DefinitionError(f"{definition.path}: `{key}` must be true or false")

"""Finds the skills and custom commands of one run, in the order they win.

Run once per engine, off the first frame's path (the TUI's start-up worker, the editor's first
session, the headless build thread). Each broken file is one sentence naming it; the rest load.
A repository's folders are read only when the folder is trusted (`extension_places`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vibe.extensions.catalog import CommandCatalog, PromptCommand, build_catalog
from vibe.extensions.commands import CustomCommand, expand_arguments, load_command
from vibe.extensions.definition import DefinitionError
from vibe.extensions.header_cache import HeaderCache
from vibe.extensions.places import Place, extension_places
from vibe.extensions.skills import SKILL_FILE, Skill, load_skill, skill_body

__all__ = ["Broken", "Extensions", "discover_extensions"]

# More than this in one folder is a mistake (or a repository trying to flood the prompt).
MAX_PER_PLACE = 200


@dataclass(frozen=True, slots=True)
class Broken:
    path: Path
    error: str  # one sentence, naming the file


@dataclass(frozen=True, slots=True)
class Extensions:
    skills: tuple[Skill, ...] = ()
    commands: tuple[CustomCommand, ...] = ()
    broken: tuple[Broken, ...] = ()
    # Definitions dropped because an earlier one had their name.
    shadowed: tuple[str, ...] = ()

    @property
    def model_skills(self) -> tuple[Skill, ...]:
        """The skills the model is told of and may load."""
        return tuple(skill for skill in self.skills if skill.model_invocable)

    def catalog(self, builtin: Iterable[str]) -> CommandCatalog:
        """The prompt commands, after the `builtin` names: user > project commands > skills."""
        users = [_command_entry(command) for command in self.commands if command.origin == "user"]
        projects = [_command_entry(command) for command in self.commands if command.origin == "project"]
        skills = [_skill_entry(skill) for skill in self.skills if skill.user_invocable]
        return build_catalog(builtin, [users, projects, skills])

    def notices(self, builtin: Iterable[str]) -> list[str]:
        """What the user should read once: broken files, then everything shadowed."""
        return [
            *(item.error for item in self.broken),
            *self.shadowed,
            *self.catalog(builtin).warnings,
        ]


def discover_extensions(home: Path, project: Path | None, *, trusted: bool) -> Extensions:
    cache = HeaderCache(home / "cache" / "definitions.json")
    broken: list[Broken] = []
    shadowed: list[str] = []
    skills: dict[str, Skill] = {}
    for place in extension_places("skills", home, project, trusted=trusted):
        for skill in _skills_in(place, project, home, broken, cache):
            earlier = skills.get(skill.name)
            if earlier is None:
                skills[skill.name] = skill
            else:
                shadowed.append(
                    f"the skill {skill.name} in {skill.folder} is ignored: {earlier.path} has that name"
                )
    commands: dict[tuple[str, str], CustomCommand] = {}
    for place in extension_places("commands", home, project, trusted=trusted):
        for command in _commands_in(place, broken, cache):
            key = (command.origin, command.name)
            if key in commands:  # `Review.md` beside `review.md`
                shadowed.append(f"{command.path} is ignored: {commands[key].path} is /{command.name} too")
            else:
                commands[key] = command
    cache.save()
    return Extensions(tuple(skills.values()), tuple(commands.values()), tuple(broken), tuple(shadowed))


def _skills_in(
    place: Place, project: Path | None, home: Path, broken: list[Broken], cache: HeaderCache
) -> list[Skill]:
    folders = [entry for entry in _entries(place.folder) if (entry / SKILL_FILE).is_file()]
    found: list[Skill] = []
    for folder in folders[:MAX_PER_PLACE]:
        try:
            inside = project if place.origin == "project" else None
            skill = load_skill(folder, place.origin, inside=inside, cache=cache)
        except DefinitionError as exc:
            broken.append(Broken(folder / SKILL_FILE, str(exc)))
            continue
        if Path(os.path.realpath(home)).is_relative_to(skill.folder):
            # Its folder becomes readable by the model: never one holding vibe's own files.
            broken.append(Broken(skill.path, f"{skill.path}: the skill's folder holds VIBE_HOME; not loaded"))
            continue
        found.append(skill)
    _too_many(place, len(folders), broken)
    return found


def _commands_in(place: Place, broken: list[Broken], cache: HeaderCache) -> list[CustomCommand]:
    files: list[Path] = []
    for entry in _entries(place.folder):
        if entry.is_dir():  # one level of namespaces: git/commit.md is /git:commit
            files.extend(sub for sub in _entries(entry) if sub.suffix == ".md" and sub.is_file())
        elif entry.suffix == ".md" and entry.is_file():
            files.append(entry)
    found: list[CustomCommand] = []
    for path in files[:MAX_PER_PLACE]:
        try:
            found.append(load_command(place.folder, path, place.origin, cache))
        except DefinitionError as exc:
            broken.append(Broken(path, str(exc)))
    _too_many(place, len(files), broken)
    return found


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))
    except OSError:  # no such folder (the usual case), or unreadable
        return []


def _too_many(place: Place, count: int, broken: list[Broken]) -> None:
    if count > MAX_PER_PLACE:
        broken.append(
            Broken(place.folder, f"{place.folder}: {count} definitions; only the first {MAX_PER_PLACE} load")
        )


def _command_entry(command: CustomCommand) -> PromptCommand:
    return PromptCommand(
        name=command.name,
        description=command.description or f"{command.origin} command",
        hint=command.argument_hint,
        source=command.origin,
        path=command.path,
        render=lambda arguments: expand_arguments(command.body, arguments),
    )


def _skill_entry(skill: Skill) -> PromptCommand:
    def render(arguments: str) -> str:
        body = expand_arguments(skill_body(skill), arguments)
        return f"{body}\n\n(The skill {skill.name}; its files are in {skill.folder}.)"

    return PromptCommand(
        name=skill.name,
        description=skill.description,
        hint=skill.argument_hint,
        source="skill",
        path=skill.path,
        render=render,
    )

"""The `skill` tool: the model loads one skill's instructions when its task needs them.

The system prompt lists only each skill's name and description; this returns the body of its
SKILL.md, read at the call, with the skill's folder and the files in it, so the model can read
the ones the body points to with read_file (the folder is readable even outside the workspace;
see `Workspace.readable`). Offered only when at least one skill exists.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from vibe.extensions import DefinitionError, Skill, skill_body
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult

__all__ = ["SkillTool"]

# The model is told the files beside SKILL.md by name; a folder with more lists the first ones.
MAX_LISTED_FILES = 50


class SkillArgs(BaseModel):
    name: str = Field(description="The skill's name, as listed under Skills.")


class SkillTool(Tool[SkillArgs]):
    name = "skill"
    args_model = SkillArgs
    kind = "read"
    read_only = True

    def __init__(self, skills: Sequence[Skill]) -> None:
        self._skills = {skill.name: skill for skill in skills}

    async def prepare(self, args: SkillArgs, ctx: ToolContext) -> Invocation | ToolResult:
        skill = self._skills.get(args.name.strip())
        if skill is None:
            known = ", ".join(sorted(self._skills))
            return ToolResult.error(f"There is no skill {args.name!r}. The skills are: {known}.")

        async def execute() -> ToolResult:
            try:
                body, files = await asyncio.to_thread(_read, skill)
            except DefinitionError as exc:
                return ToolResult.error(f"The skill {skill.name} cannot be loaded: {exc}")
            return ToolResult(output=_render(skill, body, files))

        return Invocation(title=f"Load skill {skill.name}", execute=execute, locations=(str(skill.path),))


def _read(skill: Skill) -> tuple[str, list[str]]:
    return skill_body(skill), _files(skill.folder)


def _files(folder: Path) -> list[str]:
    found: list[str] = []
    for path in sorted(folder.rglob("*")):
        if len(found) >= MAX_LISTED_FILES:
            found.append("…")
            break
        relative = path.relative_to(folder)
        if path.is_file() and relative.as_posix() != "SKILL.md" and not relative.parts[0].startswith("."):
            found.append(relative.as_posix())
    return found


def _render(skill: Skill, body: str, files: list[str]) -> str:
    lines = [f"Skill {skill.name} — folder {skill.folder}", ""]
    lines.append(body or "(SKILL.md has no instructions beyond its description.)")
    if files:
        lines += ["", "Files in the skill's folder (read them with read_file by absolute path when needed):"]
        lines += [f"- {name}" for name in files]
    return "\n".join(lines)

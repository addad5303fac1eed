"""`vibe skills list [--output text|json]`: the skills this folder's runs would offer, where each
comes from, and every broken skill file with the one sentence that says why."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from vibe.composition.extensions_wiring import extensions_for
from vibe.composition.list_cmd import Listing, run_listing
from vibe.extensions import Extensions

__all__ = ["main"]


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    return run_listing(_LISTING, argv, env, cwd)


def _document(extensions: Extensions, note: str | None) -> dict[str, object]:
    return {
        "skills": [
            {
                "name": skill.name,
                "origin": skill.origin,
                "path": str(skill.path),
                "description": skill.description,
                "user_invocable": skill.user_invocable,
                "model_invocable": skill.model_invocable,
            }
            for skill in extensions.skills
        ],
        "broken": [
            {"path": str(item.path), "error": item.error}
            for item in extensions.broken
            if _is_skill_file(item.path)
        ],
        "ignored": _ignored(extensions),
        "note": note,
    }


def _text(extensions: Extensions, note: str | None) -> str:
    lines: list[str] = []
    for skill in extensions.skills:
        flags = "" if skill.model_invocable else "  (only as /" + skill.name + ")"
        lines.append(f"{skill.name}  [{skill.origin}]  {skill.path}{flags}")
        lines.append(f"    {skill.description}")
    if not lines:
        lines.append("No skills here (put them in $VIBE_HOME/skills/NAME/SKILL.md or .vibe/skills/).")
    for item in extensions.broken:
        if _is_skill_file(item.path):
            lines.append(f"broken: {item.error}")
    lines.extend(f"ignored: {sentence}" for sentence in _ignored(extensions))
    if note:
        lines.append(note)
    return "\n".join(lines)


def _ignored(extensions: Extensions) -> list[str]:
    return [sentence for sentence in extensions.shadowed if sentence.startswith("the skill ")]


def _is_skill_file(path: Path) -> bool:
    return path.name in ("SKILL.md", "skills")  # a skill's file, or a skills folder with too many


_LISTING = Listing(
    kind="skills",
    description="The skills vibe finds for this folder.",
    list_help="each skill: name, origin, path, description; and broken files",
    untrusted="its skills are not listed",
    find=extensions_for,
    document=_document,
    text=_text,
)

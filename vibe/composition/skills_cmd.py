"""`vibe skills list [--output text|json]`: the skills this folder's runs would offer, where each
comes from, and every broken skill file with the one sentence that says why."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from vibe.composition.extensions_wiring import extensions_for
from vibe.composition.logging_setup import setup_logging
from vibe.config.loader import load_config
from vibe.config.paths import vibe_home
from vibe.config.settings import ConfigError
from vibe.extensions import Extensions
from vibe.unicode_text import for_terminal, json_for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vibe skills", description="The skills vibe finds for this folder.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="list")
    listing = actions.add_parser("list", help="each skill: name, origin, path, description; and broken files")
    listing.add_argument("--output", choices=["text", "json"], default="text")
    return parser


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(vibe_home(env))  # broken command files are logged there, not printed here
    try:
        config = load_config(cwd.resolve(), env, {})
    except ConfigError as exc:
        print(for_terminal(f"vibe skills: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    extensions = extensions_for(config, env)
    note = None
    if config.trust.needs_decision:
        note = f"{config.trust.root} is not trusted: its skills are not listed (see `vibe trust`)."
    if args.output == "json":
        print(json_for_terminal(json.dumps(_document(extensions, note), ensure_ascii=False, indent=2)))
    else:
        print(for_terminal(_text(extensions, note)))
    return 0


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

"""Skill folders and command files for tests, written where vibe looks for them."""

from __future__ import annotations

from pathlib import Path


def write_skill(base: Path, name: str, description: str, body: str, **extra: str) -> Path:
    """`base/<name>/SKILL.md` (base: `$VIBE_HOME/skills`, `<repo>/.vibe/skills`, ...)."""
    folder = base / name
    folder.mkdir(parents=True, exist_ok=True)
    fields = "".join(f"{key}: {value}\n" for key, value in extra.items())
    (folder / "SKILL.md").write_text(
        f"---\nname: {name}\ndescription: {description}\n{fields}---\n{body}\n", encoding="utf-8"
    )
    return folder


def write_command(base: Path, name: str, body: str, *, description: str = "", hint: str = "") -> Path:
    """`base/<name>.md` (base: `$VIBE_HOME/commands` or `<repo>/.vibe/commands`); `git/commit`
    makes a namespaced one."""
    path = base / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = (f"description: {description}\n" if description else "") + (
        f"argument-hint: {hint}\n" if hint else ""
    )
    path.write_text(f"---\n{meta}---\n{body}\n" if meta else f"{body}\n", encoding="utf-8")
    return path

"""Finds the user's and the repository's AGENTS.md files, which go into the system prompt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vibe.config.paths import project_root

__all__ = ["Instructions", "discover_instructions"]

INSTRUCTIONS_FILE = "AGENTS.md"
# A runaway AGENTS.md must not eat the context window; beyond this it is cut with a note.
MAX_INSTRUCTION_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Instructions:
    source: str  # how the model should know where it came from, e.g. "AGENTS.md" or "src/AGENTS.md"
    text: str


def _read(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return None
    if len(text) > MAX_INSTRUCTION_CHARS:
        text = (
            text[:MAX_INSTRUCTION_CHARS]
            + f"\n[... cut: {path.name} is over {MAX_INSTRUCTION_CHARS} characters]"
        )
    return text or None


def discover_instructions(cwd: Path, home: Path) -> list[Instructions]:
    """User-level file first, then the repository's from its root down to `cwd` (most specific last)."""
    found: list[Instructions] = []
    user_text = _read(home / INSTRUCTIONS_FILE)
    if user_text:
        found.append(Instructions(source=f"user {INSTRUCTIONS_FILE}", text=user_text))
    root = project_root(cwd)
    chain = [cwd, *cwd.parents]
    folders = list(reversed(chain[: chain.index(root) + 1])) if root in chain else [cwd]
    for folder in folders:
        text = _read(folder / INSTRUCTIONS_FILE)
        if text:
            relative = (folder / INSTRUCTIONS_FILE).relative_to(root)
            found.append(Instructions(source=str(relative), text=text))
    return found

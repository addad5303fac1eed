"""Completion for the prompt: slash commands, and `@path` mentions ranked by a fuzzy match.

Pure functions over text, so they are cheap to test and to call on every keystroke.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vibe.protocol.commands import commands_for

if TYPE_CHECKING:
    from vibe.extensions import CommandCatalog

# What completion and /help list: the TUI's share of the one command table, in its order.
SLASH_COMMANDS: dict[str, str] = {command.slash: command.help for command in commands_for("tui")}
MAX_FILES = 50_000  # a mention index bigger than this is not worth holding in memory


@dataclass(frozen=True, slots=True)
class Completion:
    """What the word at the cursor is, and where it sits in the prompt text."""

    kind: str  # "slash" or "file"
    word: str  # without the leading "/" or "@"
    start: int  # offsets into the text: the word with its sigil is text[start:end]
    end: int


def completion_at(text: str, cursor: int) -> Completion | None:
    """The completable word under the cursor, if any."""
    start = cursor
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    end = cursor
    while end < len(text) and not text[end].isspace():
        end += 1
    word = text[start:end]
    if word.startswith("/") and start == 0:
        return Completion("slash", word[1:], start, end)
    if word.startswith("@"):
        return Completion("file", word[1:], start, end)
    return None


def slash_matches(word: str, custom: Sequence[tuple[str, str]] = ()) -> list[tuple[str, str]]:
    """Commands starting with `word`, the exact match first (so `/mode` never sits under `/model`).
    `custom`: the custom commands and skills (slash, help), after the built-in ones."""
    typed = word.lower()
    known = [*SLASH_COMMANDS.items(), *custom]
    matches = [(name, help_) for name, help_ in known if name[1:].startswith(typed)]
    matches.sort(key=lambda item: item[0][1:] != typed)  # stable: the rest keep their order
    return matches


def custom_items(catalog: CommandCatalog) -> list[tuple[str, str]]:
    """(slash, help) of each custom command and user-invocable skill, for completion and /help."""
    items: list[tuple[str, str]] = []
    for command in catalog.commands:
        hint = f" [{command.hint}]" if command.hint else ""
        items.append((command.slash, f"{command.description}{hint} ({command.source})"))
    return items


def _score(query: str, candidate: str) -> float | None:
    """Subsequence match score (higher is better), or None when `query` does not match."""
    lowered = candidate.lower()
    position = 0
    score = 0.0
    previous = -2
    for char in query.lower():
        found = lowered.find(char, position)
        if found < 0:
            return None
        # Consecutive characters and starts of path parts count most, like most fuzzy finders.
        if found == previous + 1:
            score += 3
        if found == 0 or lowered[found - 1] in "/._-":
            score += 2
        score += 1
        previous = found
        position = found + 1
    base = lowered.rsplit("/", 1)[-1]
    if query.lower() in base:
        score += 5
    return score - len(candidate) * 0.01


def fuzzy_files(query: str, files: list[str], limit: int = 8) -> list[str]:
    if not query:
        return files[:limit]
    scored = [(score, path) for path in files if (score := _score(query, path)) is not None]
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [path for _, path in scored[:limit]]


def repository_files(root: Path) -> list[str]:
    """The workspace's files for mentions, relative and gitignore-aware (hidden files included)."""
    from vibe.tools.ignore import walk_files  # only when a mention is typed: keeps launch light

    files: list[str] = []
    for path in walk_files(root):
        files.append(os.path.relpath(path, root).replace(os.sep, "/"))
        if len(files) >= MAX_FILES:
            break
    return files

"""Small text renderers shared by the transcript and the approval modal (diffs, plans, numbers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from vibe.unicode_text import for_terminal

if TYPE_CHECKING:  # the engine loads after the first frame
    from vibe.tools.base import TodoItem

# ANSI colour names, not RGB, so diffs follow the terminal's own palette (and NO_COLOR drops them).
_DIFF_STYLES = (("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))
_PLAN_MARKS = {"completed": "✓", "in_progress": "▸", "pending": "·"}
# The arguments that say best what a call is about, in order of preference.
_KEY_ARGUMENTS = ("command", "path", "file_path", "pattern", "query", "url")


def diff_text(diff: str, max_lines: int = 400) -> Text:
    """A unified diff, coloured by line kind; very long diffs are cut with a note."""
    lines = for_terminal(diff).rstrip("\n").splitlines()
    out = Text()
    for index, line in enumerate(lines[:max_lines]):
        style = next((style for prefix, style in _DIFF_STYLES if line.startswith(prefix)), "")
        if index:
            out.append("\n")
        out.append(line, style=style)
    if len(lines) > max_lines:
        out.append(f"\n… {len(lines) - max_lines} more diff lines", style="dim")
    return out


def plan_text(todos: Iterable[TodoItem]) -> Text:
    items = list(todos)
    done = sum(item.status == "completed" for item in items)
    out = Text(f"Plan ({done}/{len(items)} done)", style="bold")
    for item in items:
        style = {"completed": "dim", "in_progress": "bold"}.get(item.status, "")
        out.append(f"\n {_PLAN_MARKS[item.status]} {for_terminal(item.content)}", style=style)
    return out


def key_argument(arguments: dict[str, Any], fallback: str) -> str:
    """The argument that says what a call is about, as the terminal may show it."""
    for name in _KEY_ARGUMENTS:
        value = arguments.get(name)
        if isinstance(value, str) and value.strip():
            return clip_cells(for_terminal(value.strip().splitlines()[0]), 80)
    return for_terminal(fallback)


def clip_cells(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells (a CJK character or an emoji takes two), with "…"."""
    if cell_len(text) <= width:
        return text
    return set_cell_size(text, width - 1).rstrip() + "…"


def duration(ms: int) -> str:
    return f"{ms}ms" if ms < 1000 else f"{ms / 1000:.1f}s"


def tokens(count: int) -> str:
    return f"{count / 1000:.1f}k" if count >= 1000 else str(count)

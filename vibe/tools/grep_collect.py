"""What a grep keeps of its matches, shared by both backends and the Python search worker.

Only the first `max_results` matching lines (in path order) and their context are kept; the
rest are only counted. Lines are cut to their displayed length as they arrive, so a match in a
50 MB minified line costs 300 characters, not 50 MB, to keep and to pass between processes.
Kept lines belong to files by path; output is in path order whichever order they arrived in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vibe.tools.output_cap import shorten_line

MAX_LINE_CHARS = 300


@dataclass(frozen=True, slots=True)
class GrepLine:
    number: int
    text: str  # as displayed: long lines are already cut around the match
    is_match: bool


@dataclass(slots=True)
class GrepCollector:
    """Keeps the first `max_results` matches with their context; counts the rest."""

    max_results: int
    context: int
    files: dict[str, list[GrepLine]] = field(default_factory=dict[str, list[GrepLine]])
    total_matches: int = 0
    kept_matches: int = 0
    # Paths that could not be read (a folder's listing, or a file), as the backend reported them.
    unreadable: list[str] = field(default_factory=list[str])
    _last_kept: tuple[str, int] | None = None
    # The last kept match still waits for lines of trailing context.
    _trailing_open: bool = False

    @property
    def full(self) -> bool:
        return self.kept_matches >= self.max_results

    @property
    def satisfied(self) -> bool:
        """Nothing more will be kept: a backend may stop reading (and only count, if it must)."""
        return self.full and not self._trailing_open

    def add_match(self, path: str, number: int, text: str, focus: int | None) -> None:
        self.total_matches += 1
        self._close_trailing(path, number)
        if self.full:
            return
        self.files.setdefault(path, []).append(
            GrepLine(number, shorten_line(text, MAX_LINE_CHARS, focus), True)
        )
        self.kept_matches += 1
        self._last_kept = (path, number)
        self._trailing_open = self.full and self.context > 0

    def add_context(self, path: str, number: int, text: str) -> None:
        # Before the cap, context may lead up to a match that will be kept; after it, only the
        # trailing context of the last kept match is still wanted.
        self._close_trailing(path, number)
        if not self.full or self._trailing_open:
            self.files.setdefault(path, []).append(
                GrepLine(number, shorten_line(text, MAX_LINE_CHARS), False)
            )

    def end_file(self, path: str) -> None:
        if self._last_kept is not None and self._last_kept[0] == path:
            self._trailing_open = False

    def _close_trailing(self, path: str, number: int) -> None:
        last = self._last_kept
        if self._trailing_open and last is not None and (path != last[0] or number > last[1] + self.context):
            self._trailing_open = False

"""Where does `old_string` sit in a file? The edit tool's matching ladder, as pure functions.

Models copy text imperfectly: trailing spaces get lost, indentation drifts when a block is quoted
out of context, and typographic quotes or dashes sneak in (or out). Each rung of the ladder
forgives one of these, tried from strictest to loosest, and the first rung that finds anything
decides. An ambiguous match is never applied on any rung: guessing which occurrence was meant is
how silent corruption happens.

Texts here use "\\n" line endings; the caller normalises CRLF files before matching.
"""

from __future__ import annotations

import difflib
import heapq
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Rung = Literal["exact", "trailing_whitespace", "indentation", "unicode"]

RUNG_DESCRIPTIONS: dict[Rung, str] = {
    "exact": "matched exactly",
    "trailing_whitespace": "matched after ignoring trailing whitespace",
    "indentation": "matched after normalising indentation",
    "unicode": "matched after normalising Unicode punctuation",
}

# Typographic characters that models and word processors swap for ASCII (and back).
_PUNCTUATION: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b", "'"),  # ‘ ’ ‚ ‛
    **dict.fromkeys("\u201c\u201d\u201e\u201f", '"'),  # “ ” „ ‟
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"),  # hyphens, en/em dash, minus
    **dict.fromkeys("\u00a0\u2007\u2009\u202f", " "),  # no-break, figure, thin, narrow spaces
    "\u2026": "...",  # …
}


@dataclass(frozen=True, slots=True)
class Replacement:
    """Replace `text[start:end]` (first line `line`, 1-based) with `new_text`."""

    start: int
    end: int
    line: int
    new_text: str


@dataclass(frozen=True, slots=True)
class Matched:
    rung: Rung
    replacements: tuple[Replacement, ...]


@dataclass(frozen=True, slots=True)
class Ambiguous:
    rung: Rung
    lines: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NotFound:
    pass


MatchOutcome = Matched | Ambiguous | NotFound


def find_replacements(text: str, old: str, new: str, *, replace_all: bool = False) -> MatchOutcome:
    """Climb the ladder until a rung finds `old` in `text`; `old` must not be empty."""
    for rung, finder in _LADDER:
        found = finder(text, old, new)
        if not found:
            continue
        if len(found) > 1 and not replace_all:
            return Ambiguous(rung, tuple(r.line for r in found))
        return Matched(rung, tuple(found))
    return NotFound()


def apply_replacements(text: str, replacements: tuple[Replacement, ...]) -> str:
    """`text` with every (non-overlapping, ordered) replacement applied."""
    parts: list[str] = []
    cursor = 0
    for item in replacements:
        parts.append(text[cursor : item.start])
        parts.append(item.new_text)
        cursor = item.end
    parts.append(text[cursor:])
    return "".join(parts)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _find_exact(text: str, old: str, new: str) -> list[Replacement]:
    # Report where the first visible character is, not the newline `old` may start with.
    skip = len(old) - len(old.lstrip("\n"))
    found: list[Replacement] = []
    start = text.find(old)
    while start != -1:
        found.append(Replacement(start, start + len(old), _line_of(text, start + skip), new))
        start = text.find(old, start + len(old))
    return found


def _find_lines(
    text: str, old: str, new: str, key: Callable[[str], str], adapt: Callable[[str, str], str] | None
) -> list[Replacement]:
    """Whole-line matching: `old`'s lines against runs of file lines, compared through `key`.

    `adapt(new, matched_first_line)` may rewrite the replacement for each match (re-indenting).
    """
    if not old.strip():
        return []  # whitespace-only text matches blank lines everywhere: only exact will do
    with_newline = old.endswith("\n")
    old_lines = (old[:-1] if with_newline else old).split("\n")
    wanted = [key(line) for line in old_lines]
    anchor = next(i for i, line in enumerate(old_lines) if line.strip())
    lines = text.split("\n")
    keys = [key(line) for line in lines]
    starts: list[int] = []
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    found: list[Replacement] = []
    count = len(wanted)
    index = 0
    while index + count <= len(lines):
        if keys[index] != wanted[0] or keys[index : index + count] != wanted:
            index += 1
            continue
        last = index + count - 1
        start, end = starts[index], starts[last] + len(lines[last])
        if with_newline and end < len(text):
            end += 1  # `old` ended with a newline, so the match takes the line's newline too
        replacement = new if adapt is None else adapt(new, lines[index + anchor])
        found.append(Replacement(start, end, index + anchor + 1, replacement))
        index += count
    return found


def _find_trailing_whitespace(text: str, old: str, new: str) -> list[Replacement]:
    return _find_lines(text, old, new, str.rstrip, None)


def _find_indentation(text: str, old: str, new: str) -> list[Replacement]:
    old_anchor = next((line for line in old.split("\n") if line.strip()), "")
    old_indent = _indent_of(old_anchor)

    def adapt(replacement: str, matched_line: str) -> str:
        return reindent(replacement, old_indent, _indent_of(matched_line))

    return _find_lines(text, old, new, str.strip, adapt)


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def reindent(text: str, old_indent: str, file_indent: str) -> str:
    """Shift every line of `text` by the change from `old_indent` to `file_indent`.

    The model wrote `old_string` (and so `new_string`) at `old_indent`; the file has the block at
    `file_indent`. Lines nested deeper keep their extra indentation, lines shallower than
    `old_indent` gain or lose the same amount, and blank lines are left alone.
    """
    if old_indent == file_indent:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            out.append(line)
        elif line.startswith(old_indent):
            out.append(file_indent + line[len(old_indent) :])
        elif file_indent.startswith(old_indent):
            out.append(file_indent[len(old_indent) :] + line)
        elif old_indent.startswith(file_indent):
            surplus = len(old_indent) - len(file_indent)
            out.append(line[min(surplus, len(_indent_of(line))) :])
        else:
            out.append(line)  # tabs against spaces with no common prefix: leave it as written
    return "\n".join(out)


def normalise_punctuation(text: str) -> str:
    return "".join(_PUNCTUATION.get(char, char) for char in text)


def _find_unicode(text: str, old: str, new: str) -> list[Replacement]:
    norm_old = normalise_punctuation(old)
    if norm_old == old and not any(char in _PUNCTUATION for char in text):
        return []  # nothing to normalise: this rung would repeat the exact one
    norm_text, origin = _normalise_with_origin(text)
    found: list[Replacement] = []
    for hit in _find_exact(norm_text, norm_old, new):
        start, end = origin[hit.start], origin[hit.end]
        # An ellipsis becomes three dots; a match that starts or ends inside them has no
        # counterpart in the original text.
        if not (_is_boundary(origin, hit.start) and _is_boundary(origin, hit.end)):
            continue
        region = text[start:end]
        # Typographic characters that `old` has but the file region lacks were the model's
        # invention, and `new` almost certainly repeats them: write ASCII there too.
        replacement = normalise_punctuation(new) if normalise_punctuation(region) == region else new
        # Normalising never adds or removes a newline, so line numbers carry over as they are.
        found.append(Replacement(start, end, hit.line, replacement))
    return found


def _normalise_with_origin(text: str) -> tuple[str, list[int]]:
    """Normalised text, and for each of its positions (plus the end) the original offset."""
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        replacement = _PUNCTUATION.get(char, char)
        pieces.append(replacement)
        origin.extend([index] * len(replacement))
    origin.append(len(text))
    return "".join(pieces), origin


def _is_boundary(origin: list[int], position: int) -> bool:
    return position == 0 or position == len(origin) - 1 or origin[position] != origin[position - 1]


_LADDER: tuple[tuple[Rung, Callable[[str, str, str], list[Replacement]]], ...] = (
    ("exact", _find_exact),
    ("trailing_whitespace", _find_trailing_whitespace),
    ("indentation", _find_indentation),
    ("unicode", _find_unicode),
)


@dataclass(frozen=True, slots=True)
class Region:
    """Lines `first`..`last` (1-based, inclusive) and how similar they are to the text sought."""

    first: int
    last: int
    similarity: float


def closest_region(text: str, old: str) -> Region | None:
    """The window of `old`'s line count most similar to `old`, or None for an empty file.

    Indentation is ignored so the window found is the one the model most likely meant, even if
    it also got the indentation wrong. Scoring every window with difflib would be quadratic on
    large files, so a sliding count of shared tokens shortlists windows first and difflib's
    ratio only ranks the shortlist.
    """
    if not text:
        return None
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    wanted_lines = [line.strip() for line in old.strip("\n").split("\n")]
    size = min(len(wanted_lines), len(lines))
    stripped = [line.strip() for line in lines]
    scores = _token_overlap_scores(stripped, wanted_lines, size)
    shortlist = heapq.nlargest(_SHORTLIST, range(len(scores)), key=scores.__getitem__)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2("\n".join(wanted_lines))  # the matcher caches its analysis of this side
    best = Region(1, size, -1.0)
    for first in sorted(shortlist):
        matcher.set_seq1("\n".join(stripped[first : first + size]))
        ratio = matcher.ratio()
        if ratio > best.similarity:
            best = Region(first + 1, first + size, ratio)
    return best


_SHORTLIST = 8
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _token_overlap_scores(lines: list[str], wanted_lines: list[str], size: int) -> list[float]:
    """Dice similarity of token multisets for every window of `size` lines, in one pass."""
    target = Counter(token for line in wanted_lines for token in _TOKEN.findall(line))
    target_total = sum(target.values())
    line_tokens = [_TOKEN.findall(line) for line in lines]
    window: Counter[str] = Counter()
    shared = window_total = 0
    scores: list[float] = []
    for index, tokens in enumerate(line_tokens):
        for token in tokens:
            if window[token] < target[token]:
                shared += 1
            window[token] += 1
        window_total += len(tokens)
        if index >= size:
            for token in line_tokens[index - size]:
                window[token] -= 1
                if window[token] < target[token]:
                    shared -= 1
            window_total -= len(line_tokens[index - size])
        if index >= size - 1:
            denominator = window_total + target_total
            scores.append(2 * shared / denominator if denominator else 0.0)
    return scores

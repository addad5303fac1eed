"""Where does `old_string` sit in a file? The edit tool's matching ladder, as pure functions.

Models copy text imperfectly: trailing spaces get lost, indentation drifts when a block is quoted
out of context (or comes in spaces where the file has tabs), typographic quotes or dashes sneak
in (or out), and accents arrive composed where the file has them decomposed. Each rung of the ladder
forgives one of these, tried from strictest to loosest, and the first rung that finds anything
decides. An ambiguous match is never applied on any rung: guessing which occurrence was meant is
how silent corruption happens.

Texts here use "\\n" line endings; the caller normalises CRLF files before matching.
"""

from __future__ import annotations

import bisect
import difflib
import heapq
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from vibe.tools.indentation import reindent as reindent
from vibe.tools.indentation import reindent_block

Rung = Literal["exact", "trailing_whitespace", "indentation", "unicode"]

RUNG_DESCRIPTIONS: dict[Rung, str] = {
    "exact": "matched exactly",
    "trailing_whitespace": "matched after ignoring trailing whitespace",
    "indentation": "matched after normalising indentation",
    "unicode": "matched after normalising Unicode punctuation and accents",
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


def _find_exact(text: str, old: str, new: str) -> list[Replacement]:
    # Report where the first visible character is, not the newline `old` may start with.
    skip = len(old) - len(old.lstrip("\n"))
    found: list[Replacement] = []
    # Line numbers are counted on from the previous match: counting from the start of the file
    # for each one made a short, common old_string take minutes on a large file.
    line, counted_to = 1, 0
    start = text.find(old)
    while start != -1:
        line += text.count("\n", counted_to, start + skip)
        counted_to = start + skip
        found.append(Replacement(start, start + len(old), line, new))
        start = text.find(old, start + len(old))
    return found


def _find_lines(
    text: str,
    old: str,
    new: str,
    key: Callable[[str], str],
    adapt: Callable[[str, list[str]], str] | None,
) -> list[Replacement]:
    """Whole-line matching: `old`'s lines against runs of file lines, compared through `key`.

    `adapt(new, matched_file_lines)` may rewrite the replacement for each match (re-indenting).
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
        replacement = new if adapt is None else adapt(new, lines[index : index + count])
        if with_newline and end < len(text):
            end += 1  # `old` ended with a newline, so the match takes the line's newline too
        elif with_newline:
            # The file's last line has no newline, and `old` assumed one: keep the file as it
            # was there rather than add one the edit never meant to.
            replacement = replacement.removesuffix("\n")
        found.append(Replacement(start, end, index + anchor + 1, replacement))
        index += count
    return found


def _find_trailing_whitespace(text: str, old: str, new: str) -> list[Replacement]:
    return _find_lines(text, old, new, str.rstrip, None)


def _find_indentation(text: str, old: str, new: str) -> list[Replacement]:
    old_lines = old.split("\n")

    def adapt(replacement: str, matched: list[str]) -> str:
        return reindent_block(replacement, old_lines, matched)

    return _find_lines(text, old, new, str.strip, adapt)


def normalise_punctuation(text: str) -> str:
    return "".join(_PUNCTUATION.get(char, char) for char in text)


def normalise_unicode(text: str) -> str:
    return "".join(_normalise_char(char) for char in text)


def _normalise_char(char: str) -> str:
    """Typographic punctuation as ASCII, and accented letters decomposed (NFD): files written on
    macOS often spell "é" as "e" and a combining accent, where the model writes one character."""
    mapped = _PUNCTUATION.get(char)
    if mapped is not None:
        return mapped
    return char if char < "\u00c0" else unicodedata.normalize("NFD", char)


def _find_unicode(text: str, old: str, new: str) -> list[Replacement]:
    norm_old = normalise_unicode(old)
    if (
        norm_old == old
        and unicodedata.is_normalized("NFD", text)
        and not any(char in _PUNCTUATION for char in text)
    ):
        return []  # nothing to normalise: this rung would repeat the exact one
    norm_text, origin = _normalise_with_origin(text)
    found: list[Replacement] = []
    for hit in _find_exact(norm_text, norm_old, new):
        # An ellipsis becomes three dots; a match that starts or ends inside them has no
        # counterpart in the original text.
        if not (origin.is_boundary(hit.start) and origin.is_boundary(hit.end)):
            continue
        start, end = origin.original(hit.start), origin.original(hit.end)
        region = text[start:end]
        # Typographic characters that `old` has but the file region lacks were the model's
        # invention, and `new` almost certainly repeats them: write ASCII there too.
        replacement = normalise_punctuation(new) if normalise_punctuation(region) == region else new
        replacement = _in_form_of(region, replacement)
        # Normalising never adds or removes a newline, so line numbers carry over as they are.
        found.append(Replacement(start, end, hit.line, replacement))
    return found


def _in_form_of(region: str, new: str) -> str:
    """`new` in the Unicode form the file uses where it goes (composed or decomposed accents),
    so one file does not end up spelling the same word two ways."""
    composed = unicodedata.is_normalized("NFC", region)
    decomposed = unicodedata.is_normalized("NFD", region)
    if decomposed and not composed:
        return unicodedata.normalize("NFD", new)
    if composed and not decomposed:
        return unicodedata.normalize("NFC", new)
    return new


# Characters `_normalise_char` may change: the no-break space, and everything from "À" up.
_MAY_NORMALISE = re.compile("[\u00a0\u00c0-\U0010ffff]")


@dataclass(frozen=True, slots=True)
class _OffsetMap:
    """Maps positions in normalised text back to the original.

    Only changed characters are recorded (their normalised start, original offset, normalised
    length): source code is mostly ASCII, and a list entry per character of a large file would
    cost seconds and many megabytes.
    """

    starts: list[int]
    offsets: list[int]
    lengths: list[int]

    def original(self, position: int) -> int:
        index = bisect.bisect_right(self.starts, position) - 1
        if index < 0:
            return position
        start, length = self.starts[index], self.lengths[index]
        if position < start + length:
            return self.offsets[index]
        return self.offsets[index] + 1 + position - start - length

    def is_boundary(self, position: int) -> bool:
        """False inside the expansion of one character (an ellipsis as three dots)."""
        index = bisect.bisect_right(self.starts, position) - 1
        return index < 0 or not self.starts[index] < position < self.starts[index] + self.lengths[index]


def _normalise_with_origin(text: str) -> tuple[str, _OffsetMap]:
    """Normalised text, and the map from its positions (and its end) to the original's."""
    pieces: list[str] = []
    starts: list[int] = []
    offsets: list[int] = []
    lengths: list[int] = []
    copied = 0  # original text up to here is in `pieces`
    size = 0  # length of the normalised text in `pieces`
    for found in _MAY_NORMALISE.finditer(text):
        index, char = found.start(), found.group()
        replacement = _normalise_char(char)
        if replacement == char:
            continue
        pieces.append(text[copied:index])
        size += index - copied
        starts.append(size)
        offsets.append(index)
        lengths.append(len(replacement))
        pieces.append(replacement)
        size += len(replacement)
        copied = index + 1
    pieces.append(text[copied:])
    return "".join(pieces), _OffsetMap(starts, offsets, lengths)


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

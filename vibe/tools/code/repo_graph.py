"""How a repository's files refer to each other, reduced to what ranking them needs.

A file that uses a name another file defines points at that file, with a weight saying how
much that use tells: a name defined in many files says nothing about which one is meant and is
left out; a name most files contain is most often a common word; a private or very short name
counts little, a long one more. Each file keeps only its strongest links, and each definition
a static importance (how much weighted use it gets), so the graph is small enough to keep on
disk and to rank in a fraction of a second (see `repo_map.py`).

Uses are found as words (a file's facts keep its distinct words): cheap, and close enough to
the syntax tree's own references for ranking.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Any

from vibe.tools.code.file_facts import FileFacts
from vibe.tools.code.symbols import Symbol

# A name defined in more files than this does not tell which file a use means.
MAX_DEFINING_FILES = 4
# Links kept per file, and definitions kept per file (its most used first).
MAX_LINKS = 12
MAX_DEFINITIONS_PER_FILE = 20
# Raised whenever the graph kept on disk means something else.
GRAPH_FORMAT = 3
MAX_LINE_CHARS = 100
COMMON_WORD_SHARE = 0.1
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp"})
COMMON_WORD_MIN_FILES = 50


@dataclass(frozen=True, slots=True)
class MapEntry:
    """One definition as the map shows it."""

    name: str
    line: str  # its signature, indented by depth
    start_line: int
    parent: int  # index of its class's entry in the same file, or -1
    importance: float


@dataclass(slots=True)
class RepoGraph:
    names: list[str]  # each file's path relative to the root, with `/`
    links: list[list[tuple[int, float]]]  # per file: (file it uses, share of its weight)
    entries: list[list[MapEntry]]  # per file: its definitions, in file order

    def to_json(self) -> dict[str, Any]:
        return {
            "names": self.names,
            "links": [[[target, round(weight, 5)] for target, weight in row] for row in self.links],
            "entries": [
                [[e.name, e.line, e.start_line, e.parent, round(e.importance, 6)] for e in row]
                for row in self.entries
            ],
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> RepoGraph:
        """Raises ValueError, KeyError or TypeError when `raw` is not what `to_json` made."""
        names = [str(name) for name in raw["names"]]
        links = [[(int(target), float(weight)) for target, weight in row] for row in raw["links"]]
        entries = [
            [
                MapEntry(str(n), str(line), int(start), int(parent), float(imp))
                for n, line, start, parent, imp in row
            ]
            for row in raw["entries"]
        ]
        if not len(names) == len(links) == len(entries):
            raise ValueError("a repository graph whose parts disagree")
        return cls(names, links, entries)


def build_graph(names: list[str], facts: list[FileFacts]) -> RepoGraph:
    defined: dict[bytes, set[int]] = {}
    for index, file in enumerate(facts):
        for symbol, _depth in _shown_symbols(file.symbols):
            if _counts(symbol.name):
                defined.setdefault(symbol.name.encode(), set()).add(index)
    # Set intersections, not a loop over every word: a large repository has millions of them.
    keys = defined.keys()
    used = [keys & set(file.words.split(b"\n")) for file in facts]
    users: dict[bytes, int] = {}
    for found in used:
        for name in found:
            users[name] = users.get(name, 0) + 1
    weights = {
        name: _weight(name, len(files), users.get(name, 1), len(facts))
        for name, files in defined.items()
        if len(files) <= MAX_DEFINING_FILES and not _common_word(users.get(name, 0), len(facts))
    }
    # What each use passes on: to the file defining the name, and to the definition itself.
    importance: dict[tuple[int, bytes], float] = {}
    links: list[list[tuple[int, float]]] = []
    for referrer, found in enumerate(used):
        to_file: dict[int, float] = {}
        parts: list[tuple[int, bytes, float]] = []
        for name in found:
            weight = weights.get(name)
            if weight is None:
                continue
            for target in defined[name]:
                if target != referrer:
                    to_file[target] = to_file.get(target, 0.0) + weight
                    parts.append((target, name, weight))
        total = sum(to_file.values())
        for target, name, weight in parts:
            key = (target, name)
            importance[key] = importance.get(key, 0.0) + weight / total
        # A file's strongest links carry its rank; the long tail changes little and costs much.
        strongest = sorted(to_file.items(), key=lambda item: -item[1])[:MAX_LINKS]
        kept = sum(weight for _target, weight in strongest)
        links.append([(target, weight / kept) for target, weight in strongest])
    entries = [_entries(index, file.symbols, importance) for index, file in enumerate(facts)]
    return RepoGraph(names, links, entries)


def _common_word(users: int, files: int) -> bool:
    """Contained in so many files that it is a word of the language (`strip`, `value`), not a
    use of the project's definition."""
    return files >= COMMON_WORD_MIN_FILES and users > COMMON_WORD_SHARE * files


def _counts(name: str) -> bool:
    # Too short to mean one thing; dunders are the language's, not the project's.
    return len(name) >= 3 and not name.startswith("__")


def _weight(name: bytes, defining_files: int, users: int, files: int) -> float:
    # A name many files contain is most often a common word, not a use of this definition.
    weight = math.log(1 + files / users) / defining_files
    if name.startswith(b"_"):
        weight *= 0.1
    if len(name) >= 8:
        weight *= 2.0  # a long name is a specific one
    elif len(name) <= 4:
        weight *= 0.5
    return weight


def _shown_symbols(symbols: list[Symbol]) -> list[tuple[Symbol, int]]:
    """Top-level symbols and their members (depth 0 and 1): what a map can show."""
    out: list[tuple[Symbol, int]] = []
    for symbol in symbols:
        out.append((symbol, 0))
        out.extend((child, 1) for child in symbol.children)
    return out


def _entries(file: int, symbols: list[Symbol], importance: dict[tuple[int, bytes], float]) -> list[MapEntry]:
    """The file's most used definitions (its classes kept for the members shown), in file order."""
    shown = _shown_symbols(symbols)
    scored = sorted(range(len(shown)), key=lambda i: -importance.get((file, shown[i][0].name.encode()), 0.0))[
        :MAX_DEFINITIONS_PER_FILE
    ]
    keep = set(scored)
    parent_of: dict[int, int] = {}
    last_top = -1
    for index, (_symbol, depth) in enumerate(shown):
        if depth == 0:
            last_top = index
        else:
            parent_of[index] = last_top
            if index in keep:
                keep.add(last_top)
    position: dict[int, int] = {}
    out: list[MapEntry] = []
    for index in sorted(keep):
        symbol, depth = shown[index]
        position[index] = len(out)
        parent = position.get(parent_of[index], -1) if depth else -1
        out.append(
            MapEntry(
                name=symbol.name,
                line=_line(depth, symbol),
                start_line=symbol.start_line,
                parent=parent,
                importance=importance.get((file, symbol.name.encode()), 0.0),
            )
        )
    return out


def _line(depth: int, symbol: Symbol) -> str:
    # Signatures are the repository's text: no control or invisible format characters in the
    # system prompt (a signature is already one line).
    text = "".join(
        char
        for char in symbol.signature or f"{symbol.kind} {symbol.name}"
        if unicodedata.category(char) not in _HIDDEN
    )
    if len(text) > MAX_LINE_CHARS:
        text = text[: MAX_LINE_CHARS - 1] + "…"
    return "  " * (depth + 1) + text

"""Where a name is defined and used under a folder, from the syntax trees.

A definition is a symbol of that name (see `symbols.py`); a use is any other occurrence of the
name as a word outside comments and string text. A file's facts (symbols, where its comments
and strings are, its words) come from one parse, kept while the file is unchanged (see
`facts_cache.py`), so a file without the name is not even read. Results are ranked
(definitions first, then uses; files nearer the searched folder first) and capped, saying how
many more there are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vibe.tools.code.facts_cache import facts_of_files, facts_store
from vibe.tools.code.file_facts import FileFacts
from vibe.tools.code.source_files import SkipReason, SourceFile, describe_skipped, list_sources, read_source
from vibe.tools.code.symbols import Symbol
from vibe.tools.output_cap import shorten_line
from vibe.tools.shown_names import quote_name
from vibe.tools.stoppable import StopFlag
from vibe.tools.workspace import Workspace

MAX_DEFINITIONS = 20
MAX_USES = 40
MAX_LINE_CHARS = 160


@dataclass(frozen=True, slots=True)
class Definition:
    file: SourceFile
    symbol: Symbol
    container: str | None


@dataclass(frozen=True, slots=True)
class Use:
    file: SourceFile
    line: int
    raw: bytes  # the line; decoded only if shown (most uses are only counted)
    byte_column: int

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", errors="replace")

    @property
    def column(self) -> int:
        """0-based character offset of the name in the line, to keep it in view when cut."""
        return len(self.raw[: self.byte_column].decode("utf-8", errors="replace"))


@dataclass(slots=True)
class Found:
    definitions: list[Definition]
    uses: list[Use]  # the first MAX_USES, nearest files first, in line order
    files_searched: int
    skipped: dict[SkipReason, int]
    truncated: bool
    more_uses: int = 0  # lines using the name past those in `uses`
    more_use_files: int = 0  # files those lines are in


def find(root: Path, wanted: str, kind: str | None, flag: StopFlag, database: Path | None) -> Found:
    """Definitions and uses of `wanted` under `root`; file facts are kept in `database`."""
    *containers, name = re.split(r"\.|::", wanted)
    container = containers[-1] if containers else None
    raw_name = name.encode()
    # The name as a whole word; bytes ≥ 0x80 are parts of non-ASCII identifiers. The pattern
    # starts with the name itself, so the regex engine scans for it at C speed; what comes
    # before is checked behind it.
    escaped = re.escape(raw_name)
    word = re.compile(escaped + rb"(?![\w$\x80-\xff])(?<![\w$\x80-\xff]" + escaped + rb")")
    listing = list_sources(root, flag)
    skipped: dict[SkipReason, int] = {}
    definitions: list[Definition] = []
    holding: list[tuple[SourceFile, FileFacts, bytes | None, set[int]]] = []
    with facts_store(database) as store:
        for source, facts, data in facts_of_files(store, listing.files, skipped, flag):
            if not facts.has_word(raw_name.lstrip(b"~")):  # a C++ destructor's word is its class
                continue  # most files, without reading them when their facts are kept
            defined_at: set[int] = set()
            for symbol, parent in _every_symbol(facts.symbols):
                if symbol.name != name:
                    continue
                defined_at.add(symbol.name_start)
                if _kind_matches(symbol.kind, kind) and (container is None or parent == container):
                    definitions.append(Definition(source, symbol, parent))
            holding.append((source, facts, data, defined_at))
    found = Found(definitions, [], len(listing.files), skipped, listing.truncated)
    # Only the uses shown are taken apart (line number, text); past them lines are only counted.
    holding.sort(key=lambda item: _nearness(item[0], root))
    for source, facts, data, defined_at in holding:
        flag.check()
        if data is None:
            read = read_source(source.path)
            if isinstance(read, str):
                continue  # changed since its facts were kept; the next call parses it again
            data = read
        room = MAX_USES - len(found.uses)
        if room > 0:
            found.uses.extend(_uses(source, data, facts, word, defined_at))
            extra = len(found.uses) - MAX_USES
            if extra > 0:
                del found.uses[MAX_USES:]
                found.more_uses += extra
                found.more_use_files += 1
            continue
        lines = _count_lines(data, facts, word, defined_at)
        if lines:
            found.more_uses += lines
            found.more_use_files += 1
    return found


def _uses(
    source: SourceFile, data: bytes, facts: FileFacts, word: re.Pattern[bytes], defined_at: set[int]
) -> Iterator[Use]:
    """Lines where the name occurs as code (not in a comment or string), not defining it."""
    line = 1
    scanned = 0
    next_line = 0
    for match in word.finditer(data):
        start = match.start()
        if start < next_line:
            continue  # one line using the name twice is listed once
        if start in defined_at or not facts.in_code(start):
            continue
        line += data.count(b"\n", scanned, start)
        scanned = start
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", start)
        if line_end == -1:
            line_end = len(data)
        next_line = line_end + 1
        yield Use(source, line, data[line_start:line_end], start - line_start)


def _count_lines(data: bytes, facts: FileFacts, word: re.Pattern[bytes], defined_at: set[int]) -> int:
    """How many lines `_uses` would list, without taking them apart: the hot loop of a search
    for a common name, kept to local names and C calls."""
    count = 0
    next_line = 0
    not_code = facts.not_code
    find_newline = data.find
    for match in word.finditer(data):
        start = match.start()
        if start < next_line or start in defined_at or bisect_right(not_code, start) & 1:
            continue
        count += 1
        next_line = find_newline(b"\n", start) + 1 or len(data)
    return count


def _kind_matches(found: str, wanted: str | None) -> bool:
    # A method is a function too: asking for function `parse` finds `Parser.parse`.
    return wanted is None or found == wanted or (wanted == "function" and found == "method")


def _every_symbol(symbols: list[Symbol]) -> list[tuple[Symbol, str | None]]:
    out: list[tuple[Symbol, str | None]] = []
    pending: list[tuple[Symbol, str | None]] = [(symbol, None) for symbol in reversed(symbols)]
    while pending:
        symbol, parent = pending.pop()
        out.append((symbol, parent))
        pending.extend((child, symbol.name) for child in reversed(symbol.children))
    return out


def render(found: Found, wanted: str, kind: str | None, shown: str, root: Path, workspace: Workspace) -> str:
    what = f"{kind} {wanted}" if kind else wanted
    if not found.definitions and not found.uses:
        message = f"No definition or use of {what} in the {found.files_searched} source files under {shown}."
        return "\n".join(filter(None, [message, describe_skipped(found.skipped)]))
    out: list[str] = []
    definitions = sorted(found.definitions, key=lambda d: (_nearness(d.file, root), d.symbol.start_line))
    count = len(definitions)
    out.append(f"{count} definition{'s' if count != 1 else ''} of {what}" + (":" if count else "."))
    for definition in definitions[:MAX_DEFINITIONS]:
        symbol = definition.symbol
        place = f"{_file_name(definition.file, workspace)}:{symbol.start_line}"
        name = f"{definition.container}.{symbol.name}" if definition.container else symbol.name
        out.append(f"{place}: {symbol.kind} {name}: {symbol.signature}")
    if count > MAX_DEFINITIONS:
        out.append(f"… {count - MAX_DEFINITIONS} more definitions; narrow with kind or path")
    uses = found.uses
    count = len(uses) + found.more_uses
    out.append(
        f"{count} line{'s' if count != 1 else ''} using {wanted.split('.')[-1]}" + (":" if count else ".")
    )
    for use in uses:
        text = shorten_line(
            use.text.strip(), MAX_LINE_CHARS, use.column - (len(use.text) - len(use.text.lstrip()))
        )
        out.append(f"{_file_name(use.file, workspace)}:{use.line}: {text}")
    if found.more_uses:
        files = found.more_use_files
        out.append(f"… {found.more_uses} more lines in {files} files not shown; narrow with path")
    if found.truncated:
        out.append("(the folder is very large: not every file was searched; narrow with path)")
    skipped = describe_skipped(found.skipped)
    if skipped:
        out.append(skipped)
    return "\n".join(out)


def _nearness(file: SourceFile, root: Path) -> tuple[int, str]:
    """Files nearer the searched folder first (fewer folders between), then by path."""
    parts = file.path.parts[len(root.parts) :]
    return len(parts), "/".join(parts).replace("/", "\0")


def _file_name(file: SourceFile, workspace: Workspace) -> str:
    return quote_name(workspace.display(file.path))

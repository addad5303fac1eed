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
    column: int  # 0-based character offset in the line, to keep the name in view when cut
    text: str


@dataclass(slots=True)
class Found:
    definitions: list[Definition]
    uses: list[Use]
    files_searched: int
    skipped: dict[SkipReason, int]
    truncated: bool


def find(root: Path, wanted: str, kind: str | None, flag: StopFlag, database: Path | None) -> Found:
    """Definitions and uses of `wanted` under `root`; file facts are kept in `database`."""
    *containers, name = re.split(r"\.|::", wanted)
    container = containers[-1] if containers else None
    raw_name = name.encode()
    # The name as a whole word; bytes ≥ 0x80 are parts of non-ASCII identifiers.
    word = re.compile(rb"(?<![\w$\x80-\xff])" + re.escape(raw_name) + rb"(?![\w$\x80-\xff])")
    listing = list_sources(root, flag)
    skipped: dict[SkipReason, int] = {}
    definitions: list[Definition] = []
    uses: list[Use] = []
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
            if data is None:
                read = read_source(source.path)
                if isinstance(read, str):
                    continue  # changed since its facts were kept; the next call parses it again
                data = read
            uses.extend(_uses(source, data, facts, word, defined_at))
    return Found(definitions, uses, len(listing.files), skipped, listing.truncated)


def _uses(
    source: SourceFile, data: bytes, facts: FileFacts, word: re.Pattern[bytes], defined_at: set[int]
) -> Iterator[Use]:
    """Lines where the name occurs as code (not in a comment or string), not defining it."""
    last_line_start = -1
    line = 1
    scanned = 0
    for match in word.finditer(data):
        start = match.start()
        if start in defined_at or not facts.in_code(start):
            continue
        line += data.count(b"\n", scanned, start)
        scanned = start
        line_start = data.rfind(b"\n", 0, start) + 1
        if line_start == last_line_start:
            continue  # one line using the name twice is listed once
        last_line_start = line_start
        line_end = data.find(b"\n", start)
        raw_line = data[line_start : line_end if line_end != -1 else len(data)]
        column = len(data[line_start:start].decode("utf-8", errors="replace"))
        yield Use(source, line, column, raw_line.decode("utf-8", errors="replace"))


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
    uses = sorted(found.uses, key=lambda u: (_nearness(u.file, root), u.line))
    count = len(uses)
    out.append(
        f"{count} line{'s' if count != 1 else ''} using {wanted.split('.')[-1]}" + (":" if count else ".")
    )
    for use in uses[:MAX_USES]:
        text = shorten_line(
            use.text.strip(), MAX_LINE_CHARS, use.column - (len(use.text) - len(use.text.lstrip()))
        )
        out.append(f"{_file_name(use.file, workspace)}:{use.line}: {text}")
    if count > MAX_USES:
        files = len({use.file.path for use in uses[MAX_USES:]})
        out.append(f"… {count - MAX_USES} more lines in {files} files not shown; narrow with path")
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

"""Where a name is defined and used under a folder, from the syntax trees.

A use is an occurrence of the name that the file's grammar parses as an identifier, so comments
and strings do not count. Only files holding the name as a word are parsed. Results are ranked
(definitions first, then uses; files nearer the searched folder first) and capped, saying how
many more there are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from vibe.tools.code.languages import ParseGaveUpError, parse
from vibe.tools.code.source_files import SkipReason, SourceFile, describe_skipped, iter_readable, list_sources
from vibe.tools.code.symbols import Symbol, symbols_of_tree
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


def find(root: Path, wanted: str, kind: str | None, flag: StopFlag) -> Found:
    *containers, name = re.split(r"\.|::", wanted)
    container = containers[-1] if containers else None
    raw_name = name.encode()
    # The name as a whole word; bytes ≥ 0x80 are parts of non-ASCII identifiers.
    word = re.compile(rb"(?<![\w$\x80-\xff])" + re.escape(raw_name) + rb"(?![\w$\x80-\xff])")
    listing = list_sources(root, flag)
    skipped: dict[SkipReason, int] = {}
    definitions: list[Definition] = []
    uses: list[Use] = []
    for source, data in iter_readable(listing.files, skipped, flag):
        if word.search(data) is None:
            continue
        try:
            tree = parse(data, source.language, should_stop=lambda: flag.stopped)
        except ParseGaveUpError:
            continue
        defined_at: set[int] = set()
        for symbol, parent in _every_symbol(symbols_of_tree(tree, data, source.language)):
            if symbol.name != name:
                continue
            defined_at.add(symbol.name_start)
            if _kind_matches(symbol.kind, kind) and (container is None or parent == container):
                definitions.append(Definition(source, symbol, parent))
        root_node = tree.root_node
        seen_lines: set[int] = set()
        for match in word.finditer(data):
            node = root_node.descendant_for_byte_range(match.start(), match.end())
            if (
                node is None
                or node.start_byte != match.start()
                or node.end_byte != match.end()
                or not _is_name(node.type)
                or match.start() in defined_at
            ):
                continue
            row = node.start_point.row
            if row in seen_lines:
                continue
            seen_lines.add(row)
            line_start = data.rfind(b"\n", 0, match.start()) + 1
            line_end = data.find(b"\n", match.start())
            raw_line = data[line_start : line_end if line_end != -1 else len(data)]
            column = len(data[line_start : match.start()].decode("utf-8", errors="replace"))
            uses.append(Use(source, row + 1, column, raw_line.decode("utf-8", errors="replace")))
    return Found(definitions, uses, len(listing.files), skipped, listing.truncated)


def _kind_matches(found: str, wanted: str | None) -> bool:
    # A method is a function too: asking for function `parse` finds `Parser.parse`.
    return wanted is None or found == wanted or (wanted == "function" and found == "method")


def _is_name(node_type: str) -> bool:
    # identifier, type_identifier, field_identifier, property_identifier, namespace_identifier…
    return node_type.endswith("identifier") or node_type in ("destructor_name", "constant")


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

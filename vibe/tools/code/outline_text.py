"""The text of an outline: a file's symbols nested, a folder's files with their top-level symbols.

Line ranges are what `read_file`'s offset and limit take. Sizes are capped: an outline is a
map, not the territory.
"""

from __future__ import annotations

import time
from pathlib import Path

from vibe.tools.base import ToolResult
from vibe.tools.code.facts_cache import facts_of_files, facts_store
from vibe.tools.code.languages import CodeLanguage, ParseGaveUpError, parse, supported_suffixes
from vibe.tools.code.source_files import SkipReason, describe_skipped, list_sources
from vibe.tools.code.symbols import Symbol, symbols_of_tree, walk_symbols
from vibe.tools.code.syntax import tree_problems
from vibe.tools.shown_names import quote_name
from vibe.tools.stoppable import StopFlag
from vibe.tools.workspace import Workspace

# About 5,000 tokens for a file, 3,000 for a folder.
__all__ = ["folder_outline", "render_file"]

MAX_FILE_CHARS = 20_000
MAX_FOLDER_CHARS = 12_000
MAX_SYMBOLS_PER_FILE_IN_FOLDER = 40
MAX_DEPTH = 6
# A folder's outline parses files one after another; past this it shows what it has.
FOLDER_SECONDS = 10.0


def render_file(source: bytes, shown: str, language: CodeLanguage, flag: StopFlag) -> ToolResult:
    try:
        tree = parse(source, language, should_stop=lambda: flag.stopped)
    except ParseGaveUpError:
        return ToolResult.error(f"{shown} could not be parsed in time; read it with read_file.")
    symbols = symbols_of_tree(tree, source, language)
    lines = source.count(b"\n") + (0 if source.endswith(b"\n") or not source else 1)
    head = f"{shown} ({language.name}, {lines} lines)"
    budget = MAX_FILE_CHARS - len(head)
    body = _fitting_body(symbols, budget) if symbols else ["no classes, functions or other definitions found"]
    out = [head, *_within(body, budget, "symbols")]
    problems = tree_problems(tree, source)
    if problems:
        out.append(f"(syntax errors from line {problems[0].line}: symbols around them may be missing)")
    return ToolResult(output="\n".join(out))


def _fitting_body(symbols: list[Symbol], budget: int) -> list[str]:
    """Every symbol with its signature if that fits; else nested symbols without signatures;
    else the top level alone, with a note: a large file's whole shape beats half its detail."""
    walked = walk_symbols(symbols, max_depth=MAX_DEPTH)
    full = [_symbol_line(symbol, level) for level, symbol in walked]
    if _size(full) <= budget:
        return full
    compact = [_symbol_line(symbol, level, with_signature=level == 0) for level, symbol in walked]
    if _size(compact) <= budget:
        return [
            *compact,
            "(signatures of nested symbols left out to fit; outline shows them for smaller files)",
        ]
    nested = len(walked) - len(symbols)
    top = [_symbol_line(symbol, 0) for symbol in symbols]
    return [*top, f"({nested} nested symbols left out to fit; read a class with read_file)"]


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _symbol_line(symbol: Symbol, level: int, *, with_signature: bool = True) -> str:
    lines = (
        str(symbol.start_line)
        if symbol.start_line == symbol.end_line
        else f"{symbol.start_line}-{symbol.end_line}"
    )
    head = f"{'  ' * level}{lines} {symbol.kind} {symbol.name}"
    # The signature says more than "class Shop" only when it is more than that.
    if not with_signature or symbol.signature.removesuffix(":") in (
        symbol.name,
        f"{symbol.kind} {symbol.name}",
    ):
        return head
    return f"{head}: {symbol.signature}"


def _within(lines: list[str], budget: int, what: str) -> list[str]:
    kept: list[str] = []
    used = 0
    for index, line in enumerate(lines):
        if used + len(line) + 1 > budget:
            kept.append(f"… {len(lines) - index} more {what} not shown (size cap)")
            break
        kept.append(line)
        used += len(line) + 1
    return kept


def folder_outline(
    folder: Path, shown: str, workspace: Workspace, flag: StopFlag, database: Path | None
) -> str:
    """Each source file's top-level symbols under `folder`, nearest files first, in budget;
    file facts are kept in `database`."""
    listing = list_sources(folder, flag)
    if not listing.files:
        return f"No source files under {shown} (outline knows {' '.join(sorted(supported_suffixes()))})."
    deadline = time.monotonic() + FOLDER_SECONDS
    skipped: dict[SkipReason, int] = {}
    blocks: list[str] = []
    used = 0
    processed = without_symbols = 0
    stopped_by = ""
    with facts_store(database) as store:
        for source, facts, _data in facts_of_files(store, listing.files, skipped, flag):
            if time.monotonic() > deadline:
                stopped_by = f"stopped after {FOLDER_SECONDS:.0f} s"
                break
            processed += 1
            # A folder's map shows what other code calls; module variables are mostly plumbing.
            symbols = [s for s in facts.symbols if s.kind != "variable"]
            if not symbols:
                without_symbols += 1
                continue
            block = _folder_block(quote_name(workspace.display(source.path)), symbols)
            if used + len(block) > MAX_FOLDER_CHARS:
                processed -= 1
                stopped_by = "size budget reached"
                break
            blocks.append(block)
            used += len(block) + 1
    notes: list[str] = []
    left = len(listing.files) - processed - sum(skipped.values())
    if stopped_by and left > 0:
        notes.append(f"… {left} more files not outlined ({stopped_by}); outline a subfolder or one file")
    elif listing.truncated:
        notes.append("… more files not listed: the folder is very large; outline a subfolder")
    if without_symbols:
        notes.append(f"({without_symbols} files without definitions not listed)")
    skipped_note = describe_skipped(skipped)
    if skipped_note:
        notes.append(skipped_note)
    if not blocks:
        return "\n".join([f"No definitions found in the source files under {shown}.", *notes])
    return "\n".join([*blocks, *notes])


def _folder_block(shown_file: str, symbols: list[Symbol]) -> str:
    lines = [shown_file]
    lines.extend(_symbol_line(symbol, 1) for symbol in symbols[:MAX_SYMBOLS_PER_FILE_IN_FOLDER])
    if len(symbols) > MAX_SYMBOLS_PER_FILE_IN_FOLDER:
        lines.append(f"  … {len(symbols) - MAX_SYMBOLS_PER_FILE_IN_FOLDER} more; outline the file")
    return "\n".join(lines)

"""What the code tools need to know about one source file, computed from one parse.

- its symbols (what `outline` shows and `find_symbol` calls definitions);
- the byte ranges of its comments and string text, where a name is not a use of the symbol;
- the words it contains, so a search skips, without reading it, a file that lacks the name.

Facts are plain data, so they can be kept (see `facts_cache.py`) and a file parsed once for as
long as it does not change.
"""

from __future__ import annotations

import bisect
import json
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vibe.tools.code.languages import CodeLanguage, grammar, parse
from vibe.tools.code.symbols import Symbol, symbols_of_tree

if TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Query

# The text inside comments and string literals. Only the literal parts: an f-string's or a
# template string's interpolations are code.
_NOT_CODE = (
    "comment",
    "line_comment",
    "block_comment",
    "string_content",
    "string_fragment",
    "interpreted_string_literal_content",
    "raw_string_literal_content",
    "raw_string_literal",
    "char_literal",
    "character_literal",
    "system_lib_string",
)
_WORD = re.compile(rb"[A-Za-z_$\x80-\xff][\w$\x80-\xff]*")

_queries: dict[str, Query] = {}
_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class FileFacts:
    symbols: list[Symbol]
    # Sorted, non-overlapping [start, end) byte ranges, flattened: start0, end0, start1, …
    not_code: tuple[int, ...]
    # Every distinct word of the file, each between newlines: compact, and searched at C speed.
    words: bytes

    def has_word(self, word: bytes) -> bool:
        return b"\n" + word + b"\n" in self.words

    def in_code(self, offset: int) -> bool:
        """Whether the byte at `offset` is code rather than a comment or string text."""
        index = bisect.bisect_right(self.not_code, offset)
        return index % 2 == 0  # past an end (or before any start): outside every range


def file_facts(source: bytes, language: CodeLanguage, should_stop: Callable[[], bool]) -> FileFacts:
    """The facts of `source`; ParseGaveUpError when its parse takes too long or is stopped."""
    from tree_sitter import QueryCursor

    tree = parse(source, language, should_stop=should_stop)
    captured = QueryCursor(_not_code_query(language)).captures(tree.root_node).get("text", [])
    ranges: list[int] = []
    for start, end in sorted((node.start_byte, node.end_byte) for node in captured):
        if ranges and start < ranges[-1]:  # nested in the previous range
            ranges[-1] = max(ranges[-1], end)
            continue
        ranges += (start, end)
    return FileFacts(
        symbols=symbols_of_tree(tree, source, language),
        not_code=tuple(ranges),
        words=b"\n" + b"\n".join(sorted(set(_WORD.findall(source)))) + b"\n",
    )


def _not_code_query(language: CodeLanguage) -> Query:
    with _lock:
        query = _queries.get(language.name)
        if query is None:
            from tree_sitter import Query

            loaded = grammar(language)
            # Each grammar has its own subset of these node types; a query naming another fails.
            known = [kind for kind in _NOT_CODE if loaded.id_for_node_kind(kind, True) is not None]
            query = Query(loaded, "[" + " ".join(f"({kind})" for kind in known) + "] @text")
            _queries[language.name] = query
        return query


def dump_facts(facts: FileFacts) -> str:
    return json.dumps(
        {
            "symbols": [_dump_symbol(symbol) for symbol in facts.symbols],
            "not_code": facts.not_code,
            "words": facts.words.decode("utf-8", "surrogateescape"),
        },
        separators=(",", ":"),
        ensure_ascii=False,
    )


def load_facts(text: str) -> FileFacts:
    """Facts from `dump_facts`; ValueError (or KeyError, TypeError) when `text` is not that."""
    raw: dict[str, Any] = json.loads(text)
    return FileFacts(
        symbols=[_load_symbol(item) for item in raw["symbols"]],
        not_code=tuple(int(offset) for offset in raw["not_code"]),
        words=str(raw["words"]).encode("utf-8", "surrogateescape"),
    )


def _dump_symbol(symbol: Symbol) -> list[Any]:
    return [
        symbol.kind,
        symbol.name,
        symbol.signature,
        symbol.start_line,
        symbol.end_line,
        symbol.name_start,
        symbol.name_end,
        [_dump_symbol(child) for child in symbol.children],
    ]


def _load_symbol(item: list[Any]) -> Symbol:
    kind, name, signature, start_line, end_line, name_start, name_end, children = item
    return Symbol(
        kind=str(kind),
        name=str(name),
        signature=str(signature),
        start_line=int(start_line),
        end_line=int(end_line),
        name_start=int(name_start),
        name_end=int(name_end),
        children=[_load_symbol(child) for child in children],
    )

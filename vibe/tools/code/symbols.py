"""The symbols a source file defines: kind, name, signature, lines, and what they contain.

Definitions are found with the queries in `queries.py`, then nested by their byte ranges:
a class holds its methods. Symbols inside a function (local helpers, closures) are left out:
they are the function's own business, and listing them would bury the file's shape.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vibe.tools.code.languages import CodeLanguage, grammar, parse
from vibe.tools.code.queries import DEFINITIONS

if TYPE_CHECKING:
    from tree_sitter import Node, Query, Tree

# A function directly inside one of these is its method; inside a module it stays a function.
METHOD_HOLDERS = frozenset({"class", "struct", "interface", "trait", "enum", "impl"})
FUNCTION_LIKE = frozenset({"function", "method"})
MAX_SIGNATURE_CHARS = 160
# Symbols nested deeper are left out: no one writes them, and everything that walks symbols
# (rendering, the cache's JSON) may then recurse safely.
MAX_NESTING = 32
# A signature is read from the start of its line (`export`, `pub`, Go's `type`), unless the
# definition starts far into it (a minified file) or after other code (`class A { void f()`):
# then from the definition itself.
_MAX_LEAD_BYTES = 120
_NOT_A_LEAD = frozenset(b"{};()=")
_MAX_SIGNATURE_BYTES = 1024
# C declarators wrap the name: `*f(int)` is a pointer_declarator around a function_declarator.
_NAME_TYPES = frozenset(
    {"identifier", "field_identifier", "type_identifier", "destructor_name", "operator_name"}
)

_ATTACHED_PREFIXES = (b"#[", b"@")

_queries: dict[str, Query] = {}
_queries_lock = threading.Lock()


@dataclass(slots=True)
class Symbol:
    kind: str
    name: str
    signature: str
    start_line: int  # 1-based, decorators included
    end_line: int
    name_start: int  # byte offsets of the name, to tell a definition from a use
    name_end: int
    children: list[Symbol] = field(default_factory=list["Symbol"])


def definitions_query(language: CodeLanguage) -> Query:
    with _queries_lock:
        query = _queries.get(language.name)
        if query is None:
            from tree_sitter import Query

            query = Query(grammar(language), DEFINITIONS[language.name])
            _queries[language.name] = query
        return query


def file_symbols(source: bytes, language: CodeLanguage) -> list[Symbol]:
    """The top-level symbols of `source`, each holding the symbols nested in it.

    Raises ParseGaveUpError when the parse takes too long.
    """
    return symbols_of_tree(parse(source, language), source, language)


def symbols_of_tree(tree: Tree, source: bytes, language: CodeLanguage) -> list[Symbol]:
    from tree_sitter import QueryCursor

    found: dict[tuple[int, int], tuple[int, str, Node, Node, int]] = {}
    for pattern, captures in QueryCursor(definitions_query(language)).matches(tree.root_node):
        definition = next(
            (nodes[0] for name, nodes in captures.items() if name.startswith("definition.")), None
        )
        if definition is None:
            continue
        kind = next(name for name in captures if name.startswith("definition.")).removeprefix("definition.")
        name_node = _name_node(captures)
        if name_node is None:
            continue
        key = (definition.start_byte, definition.end_byte)
        if key not in found or pattern < found[key][0]:
            start = captures["start"][0].start_point.row if "start" in captures else None
            found[key] = (pattern, kind, definition, name_node, _first_row(definition, start, source))
    ordered = sorted(found.values(), key=lambda item: (item[2].start_byte, -item[2].end_byte))
    return _nest([(kind, node, name, row) for _, kind, node, name, row in ordered], source)


def _first_row(definition: Node, start: int | None, source: bytes) -> int:
    """The 0-based row a definition's lines start at: its decorators' or attributes' when it has
    them. Python's come from the query; the lines just above a Rust item (`#[derive]`) or a
    TypeScript class (`@Component`) are read as text, as asking the tree for a node's siblings
    costs a walk from the root each time."""
    if start is not None:
        return start
    row = definition.start_point.row
    line_start = definition.start_byte - definition.start_point.column
    while row > 0 and line_start > 0:
        previous_start = source.rfind(b"\n", 0, line_start - 1) + 1
        line = source[previous_start : line_start - 1].lstrip()
        if not line.startswith(_ATTACHED_PREFIXES):
            break
        row -= 1
        line_start = previous_start
    return row


def _name_node(captures: dict[str, list[Node]]) -> Node | None:
    if "name" in captures:
        return captures["name"][0]
    declarator = captures.get("declarator")
    return None if declarator is None else _declared_name(declarator[0])


def _declared_name(node: Node) -> Node | None:
    """The name inside a C/C++ declarator chain: `**make(int)` → `make`, `A::run()` → `run`."""
    for _ in range(64):  # a chain deeper than this is not a declaration anyone wrote
        if node.type in _NAME_TYPES:
            return node
        inner = node.child_by_field_name("declarator") or node.child_by_field_name("name")
        if inner is None:
            return None
        node = inner
    return None


def _nest(items: list[tuple[str, Node, Node, int]], source: bytes) -> list[Symbol]:
    top: list[Symbol] = []
    # Open definitions enclosing the current one: (end byte, its symbol or None when hidden, kind).
    stack: list[tuple[int, Symbol | None, str]] = []
    for kind, definition, name_node, first_row in items:
        while stack and stack[-1][0] <= definition.start_byte:
            stack.pop()
        parent = stack[-1] if stack else None
        hidden = parent is not None and (
            parent[1] is None or parent[2] in FUNCTION_LIKE or len(stack) >= MAX_NESTING
        )
        if parent is not None and parent[2] in METHOD_HOLDERS and kind == "function":
            kind = "method"
        symbol = None if hidden else _symbol(kind, definition, name_node, first_row, source)
        if symbol is not None:
            (parent[1].children if parent is not None and parent[1] is not None else top).append(symbol)
        stack.append((definition.end_byte, symbol, kind))
    return top


def _symbol(kind: str, definition: Node, name_node: Node, first_row: int, source: bytes) -> Symbol:
    # Not `name_node.text`: a tree parsed from a callback reads its text back through it, slowly.
    name = source[name_node.start_byte : name_node.end_byte].decode("utf-8", errors="replace")
    return Symbol(
        kind=kind,
        name=name,
        signature=signature(definition, source),
        start_line=first_row + 1,
        end_line=_last_line(definition),
        name_start=name_node.start_byte,
        name_end=name_node.end_byte,
    )


def _last_line(node: Node) -> int:
    """1-based; a node that ends with its line's newline (a C macro) ends on that line."""
    row, column = node.end_point
    return row if column == 0 and row > node.start_point.row else row + 1


def signature(definition: Node, source: bytes) -> str:
    """The definition's head on one line: from its line's start to its body (or its first line)."""
    start = definition.start_byte
    line_start = source.rfind(b"\n", 0, start) + 1
    lead = source[line_start:start]
    begin = line_start if len(lead) <= _MAX_LEAD_BYTES and not _NOT_A_LEAD.intersection(lead) else start
    body = definition.child_by_field_name("body")
    if body is not None and body.start_byte > start:
        end = body.start_byte
    else:
        line_end = source.find(b"\n", start)
        end = min(definition.end_byte, line_end if line_end != -1 else len(source))
    raw = source[begin : min(end, begin + _MAX_SIGNATURE_BYTES)].decode("utf-8", errors="replace")
    text = " ".join(raw.split()).removesuffix("{").rstrip()
    if len(text) > MAX_SIGNATURE_CHARS:
        text = text[: MAX_SIGNATURE_CHARS - 1] + "…"
    return text


def walk_symbols(symbols: list[Symbol], depth: int = 0, max_depth: int = 8) -> list[tuple[int, Symbol]]:
    """Every symbol with its nesting depth, in file order; deeper than `max_depth` is left out."""
    out: list[tuple[int, Symbol]] = []
    pending = [(depth, symbol) for symbol in reversed(symbols)]
    while pending:
        level, symbol = pending.pop()
        out.append((level, symbol))
        if level < max_depth:
            pending.extend((level + 1, child) for child in reversed(symbol.children))
    return out

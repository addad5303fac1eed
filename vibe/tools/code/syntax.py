"""The syntax check after an edit: errors the new text has that the previous text did not.

tree-sitter recovers from errors by wrapping what it cannot read in ERROR nodes and inventing
MISSING tokens; both mark a syntax error. An error is identified by what it says and the text of
its line, not by its line number, so lines moved by the edit do not make an old error look new.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from vibe.tools.code.languages import (
    MAX_PARSE_BYTES,
    CodeLanguage,
    ParseGaveUpError,
    language_for,
    parse,
    source_bytes,
)
from vibe.tools.output_cap import shorten_line

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

MAX_REPORTED = 3
_MAX_TOKEN_CHARS = 30
_MAX_LINE_CHARS = 160


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    line: int  # 1-based
    column: int  # 1-based, in characters
    what: str  # 'missing ")"', 'unexpected "def"', …
    line_text: str

    @property
    def identity(self) -> tuple[str, str]:
        return self.what, self.line_text.strip()


def syntax_problems(source: bytes, language: CodeLanguage) -> list[SyntaxProblem]:
    """Every syntax error tree-sitter finds in `source`, outermost only, in file order.

    Raises ParseGaveUpError when the parse takes too long.
    """
    return tree_problems(parse(source, language), source)


def tree_problems(tree: Tree, source: bytes) -> list[SyntaxProblem]:
    """The syntax errors in a parsed `tree` of `source`, outermost only, in file order."""
    root = tree.root_node
    if not root.has_error:
        return []
    lines = source.split(b"\n")
    found: list[SyntaxProblem] = []
    # Iterative: a pathologically nested file must not exhaust Python's recursion.
    stack = [root]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(_problem(node, source, lines))
            continue
        if node.has_error:
            stack.extend(reversed(node.children))
    return found


def _problem(node: Node, source: bytes, lines: list[bytes]) -> SyntaxProblem:
    row, byte_column = node.start_point
    raw_line = lines[row] if row < len(lines) else b""
    column = len(raw_line[:byte_column].decode("utf-8", errors="replace")) + 1
    line_text = raw_line.decode("utf-8", errors="replace").rstrip("\r")
    if node.is_missing:
        # A named node ("identifier") is a kind of token; an anonymous one is the token itself.
        what = f"missing {node.type}" if node.is_named else f'missing "{node.type}"'
    else:
        token = _first_token(node, source)
        what = f'unexpected "{token}"' if token else "unexpected end of input"
    return SyntaxProblem(row + 1, column, what, line_text)


def _first_token(node: Node, source: bytes) -> str:
    while node.child_count:
        node = node.children[0]
    raw = source[node.start_byte : min(node.end_byte, node.start_byte + 200)]
    text = raw.decode("utf-8", errors="replace").split("\n", 1)[0].strip()
    return text[:_MAX_TOKEN_CHARS] + ("…" if len(text) > _MAX_TOKEN_CHARS else "")


def new_problems(before: str | None, after: str, language: CodeLanguage) -> list[SyntaxProblem]:
    """Errors in `after` that `before` (None: a new file) did not have; [] when either text is
    too large to parse quickly or a parse gives up."""
    after_bytes = source_bytes(after)
    before_bytes = b"" if before is None else source_bytes(before)
    if max(len(after_bytes), len(before_bytes)) > MAX_PARSE_BYTES:
        return []
    try:
        current = syntax_problems(after_bytes, language)
        if not current:
            return []
        old: Counter[tuple[str, str]] = Counter()
        if before:
            old.update(p.identity for p in syntax_problems(before_bytes, language))
    except ParseGaveUpError:
        return []
    fresh: list[SyntaxProblem] = []
    for problem in current:
        if old[problem.identity] > 0:
            old[problem.identity] -= 1
        else:
            fresh.append(problem)
    return fresh


def syntax_note(path: PurePath, shown: str, before: str | None, after: str) -> str:
    """The paragraph a write's result ends with when it broke the syntax of `path`; "" otherwise.

    Files in languages without a grammar are not checked (and load nothing).
    """
    language = language_for(path)
    if language is None:
        return ""
    fresh = new_problems(before, after, language)
    if not fresh:
        return ""
    count = len(fresh)
    head = (
        f"Syntax check: {shown} now has {count} syntax error{'s' if count != 1 else ''} "
        f"({language.name}) that it did not have before; fix {'it' if count == 1 else 'them'} next:"
    )
    shown_lines = [head]
    for problem in fresh[:MAX_REPORTED]:
        text = shorten_line(problem.line_text.strip(), _MAX_LINE_CHARS)
        shown_lines.append(f"  line {problem.line}, column {problem.column}: {problem.what}\n    {text}")
    if count > MAX_REPORTED:
        shown_lines.append(f"  … and {count - MAX_REPORTED} more")
    return "\n".join(shown_lines)

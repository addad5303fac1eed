"""Which grammar parses which file, loaded on first use, and a parse that cannot run away.

Each grammar is its own wheel (tree-sitter-python, …), so nothing is downloaded at run time.
A grammar module is imported the first time a file of its language is parsed, then kept.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Language, Tree

# The largest source a tool parses: past this a file is generated or a data dump, and
# parsing it (twice, for a syntax check) would hold up the call for seconds.
MAX_PARSE_BYTES = 2 * 1024 * 1024
# A parse that takes longer than this is given up (pathological input); callers then treat
# the file as text.
PARSE_SECONDS = 2.0
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class CodeLanguage:
    name: str  # as shown to the model: "python", "tsx", …
    module: str  # the grammar wheel's import name
    entry: str  # the function in it that returns the grammar


_LANGUAGES = {
    language.name: language
    for language in (
        CodeLanguage("python", "tree_sitter_python", "language"),
        CodeLanguage("javascript", "tree_sitter_javascript", "language"),
        CodeLanguage("typescript", "tree_sitter_typescript", "language_typescript"),
        CodeLanguage("tsx", "tree_sitter_typescript", "language_tsx"),
        CodeLanguage("go", "tree_sitter_go", "language"),
        CodeLanguage("rust", "tree_sitter_rust", "language"),
        CodeLanguage("java", "tree_sitter_java", "language"),
        CodeLanguage("c", "tree_sitter_c", "language"),
        CodeLanguage("cpp", "tree_sitter_cpp", "language"),
    )
}

# `.h` is parsed as C++: its grammar also reads C headers, while C's grammar reads a C++
# header as a field of errors.
_BY_SUFFIX = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c",
    ".h": "cpp",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".c++": "cpp",
    ".hh": "cpp",
    ".hpp": "cpp",
    ".hxx": "cpp",
    ".ipp": "cpp",
}

_grammars: dict[str, Language] = {}
_lock = threading.Lock()


class ParseGaveUpError(Exception):
    """The parse passed its time limit or was stopped: the caller treats the file as text."""


def language_for(path: PurePath | str) -> CodeLanguage | None:
    """The language of a file, from its name; None for a file handled as text."""
    name = _BY_SUFFIX.get(PurePath(path).suffix.lower())
    return None if name is None else _LANGUAGES[name]


def supported_suffixes() -> frozenset[str]:
    return frozenset(_BY_SUFFIX)


def grammar(language: CodeLanguage) -> Language:
    """The tree-sitter grammar of `language`, imported on first use and kept."""
    with _lock:
        loaded = _grammars.get(language.name)
        if loaded is None:
            from tree_sitter import Language

            module = importlib.import_module(language.module)
            entry: Callable[[], object] = getattr(module, language.entry)
            loaded = Language(entry())
            _grammars[language.name] = loaded
        return loaded


def parse(
    source: bytes,
    language: CodeLanguage,
    *,
    seconds: float = PARSE_SECONDS,
    should_stop: Callable[[], bool] = lambda: False,
) -> Tree:
    """The syntax tree of `source`; ParseGaveUpError past `seconds` or once `should_stop()`.

    Parsers are cheap and not thread-safe, so each parse has its own.
    """
    from tree_sitter import Parser

    parser = Parser(grammar(language))
    deadline = time.monotonic() + seconds

    def read(offset: int, _point: object) -> bytes:
        return source[offset : offset + _CHUNK]

    def give_up(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline or should_stop()

    try:
        return parser.parse(read, progress_callback=give_up)
    except ValueError as exc:  # tree-sitter's way of saying the progress callback stopped it
        raise ParseGaveUpError(str(exc)) from exc


def source_bytes(text: str) -> bytes:
    """`text` as the UTF-8 a parser reads; a lone surrogate (from an undecodable name) becomes "?"."""
    return text.encode("utf-8", errors="replace")

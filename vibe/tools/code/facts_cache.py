"""File facts kept between calls (in memory) and between sessions (on disk), per file.

An entry is valid while the file has the size and modification time (in nanoseconds) it had
when parsed: an edit, a rewrite or a rename shows as a different key and the file is parsed
again; a deleted file is never asked for. The disk copy is one SQLite database under the cache
folder (`$XDG_CACHE_HOME/vibe/code-facts.sqlite3`), shared safely by concurrent sessions;
built by another version of vibe or of a grammar, it is emptied and rebuilt. The cache is only
ever a shortcut: when it cannot be opened, read or written, files are simply parsed.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import vibe
from vibe.tools.code.file_facts import FileFacts, dump_facts, file_facts, load_facts
from vibe.tools.code.languages import CodeLanguage, ParseGaveUpError
from vibe.tools.code.source_files import SkipReason, SourceFile, read_source
from vibe.tools.stoppable import StopFlag

__all__ = [
    "FactsStore",
    "default_database",
    "facts_of_files",
    "facts_store",
    "facts_version",
    "file_key",
    "forget_memory",
]

log = logging.getLogger("vibe.tools")

# Raised whenever what a fact means changes (new queries, new fields).
FACTS_FORMAT = 1
# In-memory entries kept; past this the oldest half is dropped.
MAX_MEMORY_ENTRIES = 20_000
_GRAMMARS = (
    "tree-sitter",
    "tree-sitter-python",
    "tree-sitter-javascript",
    "tree-sitter-typescript",
    "tree-sitter-go",
    "tree-sitter-rust",
    "tree-sitter-java",
    "tree-sitter-c",
    "tree-sitter-cpp",
)

Key = tuple[int, int]  # size, mtime_ns

_memory: dict[str, tuple[Key, FileFacts]] = {}
_memory_lock = threading.Lock()
_version: str | None = None


def file_key(path: Path) -> Key | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def facts_version() -> str:
    """What the stored facts depend on: vibe, the facts' format and every grammar's version."""
    global _version
    if _version is None:
        versions: list[str] = []
        for package in _GRAMMARS:
            try:
                versions.append(importlib.metadata.version(package))
            except importlib.metadata.PackageNotFoundError:
                versions.append("?")
        _version = f"{vibe.__version__}/{FACTS_FORMAT}/{','.join(versions)}"
    return _version


class FactsStore:
    """One call's view of the cache: memory first, then the database, then a parse.

    Used from the one worker thread of a tool call; `close` writes what was parsed.
    """

    def __init__(self, database: Path | None) -> None:
        self._database = database
        self._connection: sqlite3.Connection | None = None
        self._opened = False
        self._parsed: list[tuple[str, Key, str]] = []

    def facts(
        self,
        path: Path,
        language: CodeLanguage,
        read: Callable[[], bytes | None],
        should_stop: Callable[[], bool],
    ) -> FileFacts | None:
        """The facts of `path`, parsing it (its bytes from `read`, None: not worth parsing)
        only when no valid entry exists. Raises ParseGaveUpError when a parse gives up."""
        key = file_key(path)
        if key is None:
            return None
        name = os.fspath(path)
        with _memory_lock:
            kept = _memory.get(name)
        if kept is not None and kept[0] == key:
            return kept[1]
        found = self._stored(name, key)
        if found is None:
            source = read()
            if source is None:
                return None
            found = file_facts(source, language, should_stop)
            self._parsed.append((name, key, dump_facts(found)))
        _remember(name, key, found)
        return found

    def _stored(self, name: str, key: Key) -> FileFacts | None:
        connection = self._connect()
        if connection is None:
            return None
        try:
            row = connection.execute(
                "SELECT facts FROM files WHERE path = ? AND size = ? AND mtime_ns = ?", (name, *key)
            ).fetchone()
            return None if row is None else load_facts(str(row[0]))
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            log.info("code facts cache unreadable, parsing instead: %s", exc)
            return None

    def _connect(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._connection
        self._opened = True
        if self._database is None:
            return None
        try:
            self._database.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self._database, timeout=2.0)
            _prepare(connection)
        except (sqlite3.Error, OSError) as exc:
            log.info("code facts cache not used: %s", exc)
            return None
        self._connection = connection
        return connection

    def close(self) -> None:
        """Store what this call parsed (one transaction), and let the database go."""
        connection = self._connect() if self._parsed else self._connection
        if connection is not None:
            with contextlib.suppress(sqlite3.Error), connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO files (path, size, mtime_ns, facts) VALUES (?, ?, ?, ?)",
                    [(name, size, mtime, facts) for name, (size, mtime), facts in self._parsed],
                )
            connection.close()
        self._connection = None
        self._parsed.clear()


def _prepare(connection: sqlite3.Connection) -> None:
    """Tables in place and from this version; a database from another version is emptied."""
    with connection:
        connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS files "
            "(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, facts TEXT)"
        )
        row = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is None or row[0] != facts_version():
            connection.execute("DELETE FROM files")
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (facts_version(),))


def _remember(name: str, key: Key, facts: FileFacts) -> None:
    with _memory_lock:
        if len(_memory) >= MAX_MEMORY_ENTRIES:
            for old in list(_memory)[: MAX_MEMORY_ENTRIES // 2]:
                del _memory[old]
        _memory[name] = (key, facts)


def forget_memory() -> None:
    """Drop the in-memory entries (tests; a caller that knows files changed in place)."""
    with _memory_lock:
        _memory.clear()


@contextlib.contextmanager
def facts_store(database: Path | None) -> Generator[FactsStore]:
    store = FactsStore(database)
    try:
        yield store
    finally:
        store.close()


def default_database() -> Path:
    from vibe.config.paths import cache_dir

    return cache_dir() / "code-facts.sqlite3"


class _Reader:
    """Reads a file for its parse and keeps what it read, for the caller to use too."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.result: bytes | SkipReason | None = None

    def __call__(self) -> bytes | None:
        self.result = read_source(self.path)
        return None if isinstance(self.result, str) else self.result


def facts_of_files(
    store: FactsStore, files: list[SourceFile], skipped: dict[SkipReason, int], flag: StopFlag
) -> Iterator[tuple[SourceFile, FileFacts, bytes | None]]:
    """Each file's facts, with its bytes when they had to be read to parse it (None when the
    facts came from the cache); files not worth parsing are counted in `skipped`."""
    for source in files:
        flag.check()
        reader = _Reader(source.path)
        try:
            facts = store.facts(source.path, source.language, reader, lambda: flag.stopped)
        except ParseGaveUpError:
            continue
        data = reader.result
        if isinstance(data, str):
            skipped[data] = skipped.get(data, 0) + 1
            continue
        if facts is not None:
            yield source, facts, data

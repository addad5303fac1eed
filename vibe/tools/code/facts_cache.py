"""File facts kept between calls (in memory) and between sessions (on disk), per file.

An entry is valid while the file has the size and modification time (in nanoseconds) it had
when parsed: an edit, a rewrite or a rename shows as a different key and the file is parsed
again; a deleted file is never asked for, and its entry is pruned by the indexer (`prune`).
A modification time is not always enough: a file changed twice within the file system's
timestamp granularity keeps its time, and a time in the future says nothing. A file whose time
was that recent (or ahead) when parsed is also keyed by a hash of its content, checked on use.

The disk copy is one SQLite database under the cache folder
(`$XDG_CACHE_HOME/vibe/code-facts.sqlite3`), shared safely by concurrent sessions;
built by another version of vibe or of a grammar, it is emptied and rebuilt. The cache is only
ever a shortcut: when it cannot be opened, read or written, files are simply parsed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import vibe
from vibe.tools.code.file_facts import FileFacts, dump_facts, file_facts, load_facts
from vibe.tools.code.languages import MAX_PARSE_BYTES, CodeLanguage, ParseGaveUpError
from vibe.tools.code.source_files import SkipReason, SourceFile, read_source
from vibe.tools.fs import FileTooLargeError, read_regular_file
from vibe.tools.stoppable import StopFlag

__all__ = [
    "FactsStore",
    "default_database",
    "facts_of_files",
    "facts_store",
    "facts_version",
    "file_key",
    "forget_memory",
    "prune",
]

log = logging.getLogger("vibe.tools")

# Raised whenever what a fact means changes (new queries, new fields).
FACTS_FORMAT = 2
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

# A modification within this of the parse may be followed by another the time does not show
# (ext4 and APFS keep nanoseconds, but FAT keeps 2 s and some network file systems 1 s).
UNSETTLED_NS = 2_000_000_000

Key = tuple[int, int]  # size, mtime_ns

# Each file's key, content hash (when its time could not be trusted) and facts.
_memory: dict[str, tuple[Key, str | None, FileFacts]] = {}
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
        self._parsed: list[tuple[str, Key, str | None, str]] = []

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
        if kept is not None and kept[0] == key and _same_content(path, kept[1]):
            return kept[2]
        stored = self._stored(name, key)
        if stored is not None and _same_content(path, stored[0]):
            found = stored[1]
            _remember(name, key, stored[0], found)
            return found
        # Hashed before the read for the parse: a change in between leaves a hash that fails.
        digest = _content_digest(path) if _unsettled(key) else None
        source = read()
        if source is None:
            return None
        found = file_facts(source, language, should_stop)
        self._parsed.append((name, key, digest, dump_facts(found)))
        _remember(name, key, digest, found)
        return found

    def has(self, path: Path, key: Key | None) -> bool:
        """Whether `path` has an entry for `key` (its content hash is not checked: a guess of
        what a parse would find, for deciding whether to index)."""
        if key is None:
            return True  # gone: nothing to parse
        name = os.fspath(path)
        with _memory_lock:
            kept = _memory.get(name)
        if kept is not None and kept[0] == key:
            return True
        connection = self._connect()
        if connection is None:
            return False
        try:
            row = connection.execute(
                "SELECT 1 FROM files WHERE path = ? AND size = ? AND mtime_ns = ?", (name, *key)
            ).fetchone()
        except sqlite3.Error:
            return False
        return row is not None

    def _stored(self, name: str, key: Key) -> tuple[str | None, FileFacts] | None:
        connection = self._connect()
        if connection is None:
            return None
        try:
            row = connection.execute(
                "SELECT digest, facts FROM files WHERE path = ? AND size = ? AND mtime_ns = ?", (name, *key)
            ).fetchone()
            if row is None:
                return None
            return (None if row[0] is None else str(row[0])), load_facts(str(row[1]))
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            log.info("code facts cache unreadable, parsing instead: %s", exc)
            return None

    def flush(self) -> None:
        """Store what was parsed so far (one transaction), keeping the database open."""
        connection = self._connect() if self._parsed else self._connection
        if connection is not None and self._parsed:
            with contextlib.suppress(sqlite3.Error), connection:
                connection.executemany(
                    "INSERT OR REPLACE INTO files (path, size, mtime_ns, digest, facts) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [
                        (name, size, mtime, digest, facts)
                        for name, (size, mtime), digest, facts in self._parsed
                    ],
                )
        self._parsed.clear()

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
        """Store what this call parsed, and let the database go."""
        self.flush()
        if self._connection is not None:
            self._connection.close()
        self._connection = None


def _prepare(connection: sqlite3.Connection) -> None:
    """Tables in place and from this version; a database from another version is rebuilt."""
    with contextlib.suppress(sqlite3.Error):
        # Readers (sessions) go on while a writer (the background indexer) commits.
        connection.execute("PRAGMA journal_mode=WAL")
    with connection:
        connection.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        row = connection.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        if row is None or row[0] != facts_version():
            connection.execute("DROP TABLE IF EXISTS files")
            connection.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (facts_version(),))
        connection.execute(
            "CREATE TABLE IF NOT EXISTS files "
            "(path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT, facts TEXT)"
        )


def _unsettled(key: Key) -> bool:
    """Whether the file's time may hide a change: modified just now, or in the future."""
    return key[1] > time.time_ns() - UNSETTLED_NS


def _content_digest(path: Path) -> str | None:
    try:
        data = read_regular_file(path, MAX_PARSE_BYTES)
    except (OSError, FileTooLargeError):
        return None
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _same_content(path: Path, digest: str | None) -> bool:
    """True for an entry keyed by time alone; else whether the file still hashes the same."""
    return digest is None or _content_digest(path) == digest


def _remember(name: str, key: Key, digest: str | None, facts: FileFacts) -> None:
    with _memory_lock:
        if len(_memory) >= MAX_MEMORY_ENTRIES:
            for old in list(_memory)[: MAX_MEMORY_ENTRIES // 2]:
                del _memory[old]
        _memory[name] = (key, digest, facts)


def prune(database: Path, root: Path, present: set[str]) -> int:
    """Drops the entries of files under `root` not in `present` (deleted, renamed, now
    ignored); returns how many. The cache would never use them, but would keep them forever."""
    prefix = os.fspath(root).rstrip(os.sep) + os.sep
    # Every path that starts with `prefix`: from it up to the next possible separator byte.
    upper = prefix[:-1] + chr(ord(os.sep) + 1)
    try:
        connection = sqlite3.connect(database, timeout=2.0)
    except sqlite3.Error:
        return 0
    try:
        with connection:
            rows = connection.execute("SELECT path FROM files WHERE path >= ? AND path < ?", (prefix, upper))
            gone = [(str(path),) for (path,) in rows.fetchall() if path not in present]
            connection.executemany("DELETE FROM files WHERE path = ?", gone)
    except sqlite3.Error as exc:
        log.info("code facts cache not pruned: %s", exc)
        return 0
    finally:
        connection.close()
    with _memory_lock:
        for (path,) in gone:
            _memory.pop(path, None)
    return len(gone)


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

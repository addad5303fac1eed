"""A repository's reference graph (see `repo_graph.py`) kept on disk beside the facts cache.

Keyed by every source file's path, size and modification time (and the versions the facts
depend on): any change, addition or removal builds it again, from the facts cache. A listing
with a file modified just now is not kept, as a second change within the file system's
timestamp granularity would not show.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from pathlib import Path

from vibe.tools.code.facts_cache import facts_of_files, facts_store, facts_version, file_key
from vibe.tools.code.file_facts import FileFacts
from vibe.tools.code.repo_graph import GRAPH_FORMAT, RepoGraph, build_graph
from vibe.tools.code.repo_sources import MapSources
from vibe.tools.code.source_files import SkipReason
from vibe.tools.shown_names import quote_name
from vibe.tools.stoppable import StopFlag

__all__ = ["graph_is_kept", "load_or_build_graph"]

log = logging.getLogger("vibe.tools")

_SETTLED_NS = 2_000_000_000


def graph_is_kept(sources: MapSources, database: Path) -> bool:
    """Whether a graph for exactly these files is on disk (its first line is its key)."""
    try:
        with _graph_file(database, sources.root).open("rb") as handle:
            kept = handle.readline(100).rstrip(b"\n")
    except OSError:
        return False
    return kept == _digest(sources, _keys(sources)).encode()


def load_or_build_graph(sources: MapSources, flag: StopFlag, database: Path | None) -> RepoGraph:
    keys = _keys(sources)
    digest = _digest(sources, keys)
    kept_at = None if database is None else _graph_file(database, sources.root)
    if kept_at is not None:
        graph = _read_graph(kept_at, digest)
        if graph is not None:
            return graph
    skipped: dict[SkipReason, int] = {}
    names: list[str] = []
    facts: list[FileFacts] = []
    with facts_store(database) as store:
        for source, found, _data in facts_of_files(store, sources.files, skipped, flag):
            names.append(_relative(source.path, sources.root))
            facts.append(found)
    flag.check()
    graph = build_graph(names, facts)
    settled = time.time_ns() - _SETTLED_NS
    if kept_at is not None and all(key is not None and key[1] < settled for key in keys):
        _write_graph(kept_at, digest, graph)
    return graph


def _digest(sources: MapSources, keys: list[tuple[int, int] | None]) -> str:
    hasher = hashlib.sha256(f"{facts_version()}/{GRAPH_FORMAT}".encode())
    for source, key in zip(sources.files, keys, strict=True):
        hasher.update(f"{source.path}\0{key}\n".encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def _graph_file(database: Path, root: Path) -> Path:
    name = hashlib.sha256(os.fsencode(root)).hexdigest()[:24]
    return database.parent / "repo-maps" / f"{name}.json"


def _read_graph(path: Path, digest: str) -> RepoGraph | None:
    """The graph kept at `path` if it was kept for `digest` (the file's first line)."""
    try:
        data = path.read_bytes()
        kept, _, body = data.partition(b"\n")
        if kept != digest.encode():
            return None
        return RepoGraph.from_json(json.loads(body))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("kept repository graph unreadable, building it again: %s", exc)
        return None


def _write_graph(path: Path, digest: str, graph: RepoGraph) -> None:
    """Written whole then renamed into place: a concurrent reader sees the old or the new."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_text(digest + "\n" + json.dumps(graph.to_json(), separators=(",", ":")))
        partial.replace(path)
    except OSError as exc:
        log.info("repository graph not kept: %s", exc)


def _relative(path: Path, root: Path) -> str:
    # A file name is the repository's to choose: one with a newline must not start a line of
    # its own in the system prompt.
    return quote_name(os.path.relpath(path, root).replace(os.sep, "/"))


def _keys(sources: MapSources) -> list[tuple[int, int] | None]:
    return [file_key(source.path) for source in sources.files]

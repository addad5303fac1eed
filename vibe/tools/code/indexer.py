"""Background indexing: every source file of a folder parsed into the facts cache by a separate,
low-priority process, so tools and the repository map find it warm.

Why a process and not a thread: a parse holds the interpreter lock, so a parsing thread takes
its turns from the event loop that draws the TUI and streams the answer, and `os.nice` lowers a
whole process, not a thread, on Linux. The indexer process runs at nice 10 beside the session
and shares nothing with it but the cache (SQLite, committed in batches, so every file parsed is
usable at once). Nothing waits for it but the repository map; a tool that needs a file's facts
before the indexer reaches it parses that file itself (see `facts_cache.py`), so it waits only
for the files it needs. When done it prunes the entries of files that are gone, and keeps the
repository's reference graph for the map (see `graph_store.py`).

    python -m vibe.tools.code.indexer ROOT DATABASE
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from vibe.tools.code.facts_cache import FactsStore, facts_of_files, file_key, prune
from vibe.tools.code.graph_store import load_or_build_graph
from vibe.tools.code.repo_sources import MapSources, map_sources
from vibe.tools.code.source_files import SkipReason
from vibe.tools.stoppable import StopFlag

__all__ = ["IndexReport", "index_folder", "missing_facts", "run_indexer"]

NICENESS = 10
# Files committed together: each commit lets readers see them, without a commit per file.
BATCH = 64
_POLL_SECONDS = 0.2


@dataclass(frozen=True, slots=True)
class IndexReport:
    files: int
    parsed: int
    pruned: int


def index_folder(root: Path, database: Path, flag: StopFlag) -> IndexReport:
    """Every source file under `root` with its facts in `database`; entries of files gone pruned."""
    sources = map_sources(root, flag)
    if sources is None:
        return IndexReport(0, 0, 0)
    skipped: dict[SkipReason, int] = {}
    parsed = 0
    store = FactsStore(database)
    try:
        for count, (_source, _facts, data) in enumerate(facts_of_files(store, sources.files, skipped, flag)):
            parsed += data is not None  # read: parsed now rather than found in the cache
            if count % BATCH == BATCH - 1:
                store.flush()
    finally:
        store.close()
    pruned = prune(database, root, {os.fspath(source.path) for source in sources.files})
    load_or_build_graph(sources, flag, database)  # kept for the repository map: warm at once
    return IndexReport(len(sources.files), parsed, pruned)


def missing_facts(sources: MapSources, database: Path) -> int:
    """How many of the files have no valid entry yet (memory or disk): what indexing would parse."""
    store = FactsStore(database)
    try:
        return sum(1 for source in sources.files if not store.has(source.path, file_key(source.path)))
    finally:
        store.close()


def run_indexer(root: Path, database: Path, flag: StopFlag) -> int:
    """Indexes `root` in a low-priority process and waits for it, stopping it when `flag` is set;
    its exit status."""
    # Isolated (-I): `-m` would otherwise import from the working directory first, and a
    # repository holding a `vibe/` folder would run its own code.
    process = subprocess.Popen(
        [sys.executable, "-I", "-m", "vibe.tools.code.indexer", os.fspath(root), os.fspath(database)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            flag.check()
            with contextlib.suppress(subprocess.TimeoutExpired):
                return process.wait(_POLL_SECONDS)
    finally:
        if process.poll() is None:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(2)
            if process.poll() is None:
                process.kill()
                process.wait()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m vibe.tools.code.indexer ROOT DATABASE", file=sys.stderr)
        return 2
    with contextlib.suppress(OSError, AttributeError):  # not on every platform
        os.nice(NICENESS)
    index_folder(Path(argv[0]), Path(argv[1]), StopFlag())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

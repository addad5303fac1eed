"""The Python search worker: runs in its own process (see grep_python.py), prints JSON.

It walks the same gitignore-aware file set ripgrep would, opens only regular files (a pipe or
device would block it), streams each file line by line so files of any size are searched, and
keeps what the collector keeps: the first matches with their context, and an exact count.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import deque
from collections.abc import Callable
from io import BufferedReader
from pathlib import Path
from typing import Any

from vibe.tools.fs import open_regular_file
from vibe.tools.globbing import path_filter
from vibe.tools.grep_collect import GrepCollector
from vibe.tools.ignore import walk_files

# Like ripgrep: a NUL in the first block marks a binary file, skipped; a later one ends the search
# of that file there.
_BINARY_PROBE_BYTES = 8192
_CHECK_EVERY_LINES = 4096


def worker_main(request: dict[str, Any]) -> None:
    """The worker process: search, then print the collector as JSON on stdout."""
    flags = re.IGNORECASE if request["ignore_case"] else 0
    collector = GrepCollector(int(request["max_results"]), int(request["context"]))
    search_tree(
        re.compile(str(request["pattern"]), flags), Path(request["target"]), request["glob"], collector
    )
    files = [
        [path, [[line.number, line.text, line.is_match] for line in lines]]
        for path, lines in collector.files.items()
    ]
    result = {
        "files": files,
        "total": collector.total_matches,
        "kept": collector.kept_matches,
        "unreadable": collector.unreadable,
    }
    # ensure_ascii keeps names that are not UTF-8 (lone surrogates) intact through JSON.
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()


def search_tree(
    regex: re.Pattern[str],
    target: Path,
    glob: str,
    collector: GrepCollector,
    check: Callable[[], None] = lambda: None,
) -> None:
    """Search every file under `target` (or `target` itself) that ripgrep would search.

    `check` is called between files and every few thousand lines; it raises to stop the search
    (when it runs in a thread rather than in a worker process that can be killed).
    """
    wanted = path_filter(glob) if glob and target.is_dir() else None
    unreadable: list[Path] = []
    for path in walk_files(target, unreadable=unreadable):
        check()
        if wanted is not None and not wanted(path.relative_to(target).as_posix()):
            continue
        try:
            fd = open_regular_file(path)
        except OSError as exc:
            if isinstance(exc, PermissionError):
                unreadable.append(path)
            continue  # vanished, or replaced by a pipe or device since it was listed
        with os.fdopen(fd, "rb") as handle:
            search_file(regex, str(path), handle, collector, check)
    collector.unreadable.extend(str(path) for path in unreadable)


def search_file(
    regex: re.Pattern[str],
    path: str,
    handle: BufferedReader,
    collector: GrepCollector,
    check: Callable[[], None] = lambda: None,
) -> None:
    """Stream `handle` line by line into `collector`, with context before and after matches."""
    if b"\0" in handle.peek(_BINARY_PROBE_BYTES)[:_BINARY_PROBE_BYTES]:
        return
    context = collector.context
    before: deque[tuple[int, str]] = deque(maxlen=context)
    after_left = 0
    for number, raw in enumerate(handle, start=1):
        if number % _CHECK_EVERY_LINES == 0:
            check()
        if b"\0" in raw:
            break
        text = raw.decode("utf-8", errors="replace").removesuffix("\n").removesuffix("\r")
        found = regex.search(text)
        if found is not None:
            while before:
                collector.add_context(path, *before.popleft())
            collector.add_match(path, number, text, found.start())
            after_left = context
        elif after_left > 0:
            collector.add_context(path, number, text)
            after_left -= 1
        elif context and not collector.satisfied:
            before.append((number, text))
    collector.end_file(path)

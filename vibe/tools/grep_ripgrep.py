"""The ripgrep backend of `grep`, in two passes so that broad patterns cost what ripgrep costs.

1. `rg --count`, on all cores: which files match and how many lines each. This is exactly as
   fast as running ripgrep by hand, and gives the exact total to report.
2. `rg --json` on just the first files in path order holding the `max_results` matches shown,
   read until those (and their trailing context) are in, then stopped.

Reading every match as JSON to count the ones not shown made `grep .` on a large repository
take minutes; passing `--sort path` to get a stable order made ripgrep single-threaded.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from vibe.sandbox.base import Sandbox
from vibe.tools.grep_collect import GrepCollector
from vibe.tools.ripgrep import COMMON_FLAGS, split_errors
from vibe.tools.search_process import search_process
from vibe.tools.shown_names import path_order

# ripgrep prints one JSON object per line, holding the whole matched line: a match in a long
# minified line makes a long one. Past this, the Python backend takes over (it streams).
_JSON_LINE_LIMIT = 64 * 1024 * 1024
# Keeps one argv (the files of pass 2) well under the kernel's limit.
_ARGV_BYTES = 96 * 1024
_COUNT_RECORD = re.compile(rb"([^\0]*)\0(\d+)\n")


class RipgrepCannotError(Exception):
    """ripgrep cannot run this search (a pattern its engine rejects, an over-long line)."""


@dataclass(frozen=True, slots=True)
class RipgrepSearch:
    rg: str
    pattern: str
    ignore_case: bool
    # The folder searched from (so --glob is relative to it) and the one operand in it.
    cwd: Path
    operand: str
    glob: str
    context: int


async def search_ripgrep(search: RipgrepSearch, sandbox: Sandbox, collector: GrepCollector) -> None:
    """Fill `collector`; raises RipgrepCannotError when the Python backend must do it instead."""
    counts = await _count_matches(search, sandbox, collector)
    counted = 0
    wanted: list[str] = []
    for name, count in counts:
        if counted < collector.max_results:
            wanted.append(name)
        counted += count
    for batch in _batches(wanted):
        if collector.satisfied:
            break
        await _collect_lines(search, sandbox, batch, collector)
    # Pass 2 counted only what it read; pass 1 counted everything (the larger, unless a file
    # grew in between).
    collector.total_matches = max(counted, collector.kept_matches)


async def _count_matches(
    search: RipgrepSearch, sandbox: Sandbox, collector: GrepCollector
) -> list[tuple[str, int]]:
    """(path as printed, matching lines) per matching file, in path order."""
    argv = [search.rg, *COMMON_FLAGS, "--count", "--with-filename", "--null", "--hidden", "--glob", "!.git"]
    argv += _pattern_flags(search)
    if search.glob:
        argv += ["--glob", search.glob]
    argv += ["--", search.operand]
    async with search_process(sandbox.wrap(argv, search.cwd)) as rg:
        output = await rg.read_all()
        finished = await rg.finish()
    unreadable, other_errors = split_errors(finished.stderr)
    if finished.code != 0 and other_errors:
        # A pattern ripgrep's engine rejects (look-around, backreferences), or ripgrep or the
        # sandbox failing: the Python backend decides. Exit 1 alone means "no match", but from a
        # sandbox that could not start ripgrep it comes with a message, and means nothing.
        raise RipgrepCannotError(other_errors[0])
    collector.unreadable.extend(str(_absolute(search.cwd, name)) for name in unreadable)
    counts = [(os.fsdecode(name), int(count)) for name, count in _COUNT_RECORD.findall(output)]
    counts.sort(key=lambda item: path_order(item[0]))
    return counts


def _pattern_flags(search: RipgrepSearch) -> list[str]:
    flags = ["--ignore-case"] if search.ignore_case else []
    return [*flags, "--regexp", search.pattern]


def _batches(names: list[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for name in names:
        if batch and size + len(name) > _ARGV_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(name)
        size += len(name) + 1
    if batch:
        yield batch


async def _collect_lines(
    search: RipgrepSearch, sandbox: Sandbox, names: list[str], collector: GrepCollector
) -> None:
    # One thread: files are searched, and their lines arrive, in the order given.
    argv = [search.rg, *COMMON_FLAGS, "--json", "--threads", "1", *_pattern_flags(search)]
    if search.context:
        argv += ["--context", str(search.context)]
    argv += ["--", *names]
    async with search_process(sandbox.wrap(argv, search.cwd), line_limit=_JSON_LINE_LIMIT) as rg:
        try:
            async for raw in rg.stdout:
                _collect_message(json.loads(raw), search.cwd, collector)
                if collector.satisfied:
                    return  # leaving the block stops ripgrep
        except ValueError as exc:  # a line over the limit
            raise RipgrepCannotError(f"a matching line is too long for ripgrep's JSON: {exc}") from exc
        finished = await rg.finish()
    _, other_errors = split_errors(finished.stderr)
    if finished.code != 0 and other_errors:
        # These files matched a moment ago: ripgrep, or the sandbox starting it, failed.
        raise RipgrepCannotError(other_errors[0])


def _collect_message(message: dict[str, Any], cwd: Path, collector: GrepCollector) -> None:
    kind = message.get("type")
    if kind not in ("match", "context", "end"):
        return
    data = cast(dict[str, Any], message["data"])
    path = str(_absolute(cwd, _rg_text(data["path"])))
    if kind == "end":
        collector.end_file(path)
        return
    raw_line = _rg_bytes(data["lines"])
    if b"\0" in raw_line:
        return  # binary content past the first block: the count pass skipped it too
    text = raw_line.decode("utf-8", errors="replace").removesuffix("\n").removesuffix("\r")
    number = int(data["line_number"])
    if kind == "context":
        collector.add_context(path, number, text)
        return
    submatches = cast(list[dict[str, Any]], data.get("submatches") or [])
    focus = None
    if submatches:
        focus = len(raw_line[: int(submatches[0]["start"])].decode("utf-8", errors="replace"))
    collector.add_match(path, number, text, focus)


def _absolute(cwd: Path, name: str) -> Path:
    return Path(os.path.normpath(cwd / name))


def _rg_bytes(value: dict[str, Any]) -> bytes:
    """ripgrep sends valid UTF-8 as {"text": ...} and anything else as {"bytes": base64}."""
    if "text" in value:
        return str(value["text"]).encode("utf-8")
    return base64.b64decode(str(value["bytes"]))


def _rg_text(value: dict[str, Any]) -> str:
    return _rg_bytes(value).decode("utf-8", errors="surrogateescape")

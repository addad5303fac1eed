"""The Python search backend: for patterns ripgrep cannot run (look-around, backreferences), or
when no ripgrep is installed.

The search runs in a worker process (grep_worker.py), not a thread: a backtracking pattern can
stay inside one `re` call for hours, holding the interpreter lock, and only a process can be
stopped there. It prints what it kept as one JSON document.

The worker is vibe's own code doing what vibe itself did in-process before: it reads files and
prints, with no network, no writes and no children. So it runs with vibe's rights, not through
the sandbox (which would add nothing a reader needs, and cannot always run vibe's interpreter:
one installed under a folder only root may enter is not executable inside bubblewrap's user
namespace for another user). It still gets the kill guarantees of search_process.py.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from vibe.sandbox.base import SpawnSpec
from vibe.tools.grep_collect import GrepCollector, GrepLine
from vibe.tools.grep_worker import search_tree
from vibe.tools.search_process import search_process
from vibe.tools.stoppable import StopFlag, run_stoppable

log = logging.getLogger("vibe.tools")

# The worker imports only what searching needs (no pydantic, no sandbox), so it starts quickly.
# It gets this process's import path, so it runs the same vibe however vibe was installed.
_WORKER_MAIN = (
    "import json, sys; request = json.loads(sys.argv[1]); sys.path[:0] = request['sys_path']; "
    "from vibe.tools.grep_worker import worker_main; worker_main(request)"
)


@dataclass(frozen=True, slots=True)
class PythonSearch:
    pattern: str
    ignore_case: bool
    target: str
    glob: str
    context: int
    max_results: int


async def run_python_search(search: PythonSearch, cwd: Path) -> GrepCollector:
    """Run the search in a worker process; stopped with the calling task."""
    request = _request(search)
    # -I: no environment variables, user site or working folder can change what the worker runs.
    argv = [sys.executable, "-I", "-c", _WORKER_MAIN, json.dumps(request)]
    try:
        async with search_process(SpawnSpec(argv=argv, cwd=cwd)) as worker:
            output = await worker.read_all()
            finished = await worker.finish()
        if finished.code != 0:
            raise RuntimeError(f"the grep worker failed (exit {finished.code}): {finished.stderr[-2000:]}")
    except OSError as exc:
        # The interpreter cannot be started (not executable for this user, or gone): search in
        # a thread instead, which stops between lines when the call is cancelled.
        log.warning("grep searches in-process: cannot start %s: %s", sys.executable, exc)
        return await run_stoppable(lambda flag: _search_here(search, flag))
    return _decode(json.loads(output), search)


def _search_here(search: PythonSearch, flag: StopFlag) -> GrepCollector:
    collector = GrepCollector(search.max_results, search.context)
    regex = re.compile(search.pattern, re.IGNORECASE if search.ignore_case else 0)
    search_tree(regex, Path(search.target), search.glob, collector, flag.check)
    return collector


def _request(search: PythonSearch) -> dict[str, Any]:
    return {
        "sys_path": [entry for entry in sys.path if entry],
        "pattern": search.pattern,
        "ignore_case": search.ignore_case,
        "target": search.target,
        "glob": search.glob,
        "context": search.context,
        "max_results": search.max_results,
    }


def _decode(data: dict[str, Any], search: PythonSearch) -> GrepCollector:
    collector = GrepCollector(search.max_results, search.context)
    for path, lines in cast(list[tuple[str, list[tuple[int, str, bool]]]], data["files"]):
        collector.files[path] = [GrepLine(number, text, is_match) for number, text, is_match in lines]
    collector.total_matches = int(data["total"])
    collector.kept_matches = int(data["kept"])
    collector.unreadable = list(cast(list[str], data["unreadable"]))
    return collector

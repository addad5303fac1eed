"""The code index and the repository map on a large repository (the interpreter's standard library).

    python tools/bench_repo_map.py [--root DIR] [--runs 5]

The large repository is a copy of the running interpreter's standard library (its `.py` files,
without `site-packages`), or `--root`. Measured, each against its target:

- the cold index by one low-priority background worker (the indexer process; ≤ 30 s), and how
  late a 5 ms timer of the session's event loop fires meanwhile, against the same index done by a
  thread of the session (why the worker is a process);
- the warm repository map: a new session's map once the cache is warm (≤ 0.3 s);
- `outline` of a 5,000-line file (≤ 50 ms) and warm `find_symbol` (≤ 100 ms), as `bench_outline`;
- the first request of a session on a small repository with the map on (≤ 4,000 tokens, counted
  as characters / 4): `vibe -p` against the fake server, once cold and once with a warm cache.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from tools.bench import vibe_command
from tools.bench_outline import five_thousand_lines as generated_module
from tools.bench_outline import run, standard_library, timed
from tools.fake_mistral import FakeMistral
from vibe.agent.budget import estimate_tokens
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import ToolContext
from vibe.tools.code.facts_cache import forget_memory
from vibe.tools.code.indexer import index_folder, run_indexer
from vibe.tools.code.repo_map import repo_map_section
from vibe.tools.find_symbol import FindSymbolTool
from vibe.tools.fs import LocalFileSystem
from vibe.tools.outline import OutlineTool
from vibe.tools.stoppable import StopFlag
from vibe.tools.workspace import Workspace

SMALL_REPO_PACKAGES = ("agent", "model")


async def loop_lateness(work: Callable[[], object]) -> tuple[float, float, float]:
    """Seconds `work` took in a thread, and the median and worst lateness of a 5 ms timer of
    this event loop meanwhile (what a TUI frame or a streamed token would wait)."""
    late: list[float] = []
    done = False

    async def ticker() -> None:
        while not done:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            late.append(time.perf_counter() - started - 0.005)

    ticking = asyncio.create_task(ticker())
    started = time.perf_counter()
    await asyncio.to_thread(work)
    seconds = time.perf_counter() - started
    done = True
    await ticking
    return seconds, statistics.median(late), max(late)


def tokens(text: str) -> int:
    return estimate_tokens(len(text))


def first_request_tokens(repo: Path, scratch: Path) -> list[int]:
    """System prompt + tool schemas of `vibe -p`'s first request: a cold run, then a warm one."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
    env["VIBE_HOME"] = str(scratch / "home")
    env["XDG_CACHE_HOME"] = str(scratch / "small-cache")
    sizes: list[int] = []
    with FakeMistral(model="bench-model") as fake:
        env.update(VIBE_BASE_URL=fake.base_url, VIBE_MODEL="bench-model")
        for _ in range(2):
            subprocess.run(
                [*vibe_command(), "-p", "say hello"], env=env, cwd=repo, check=True, capture_output=True
            )
            request = fake.requests[-1]
            system = request.messages[0]["content"]
            schemas = json.dumps(request.tools, ensure_ascii=False, separators=(",", ":"))
            sizes.append((len(system) + len(schemas)) // 4)
    return sizes


def small_repository(into: Path) -> Path:
    import vibe

    repo = into / "small"
    for package in SMALL_REPO_PACKAGES:
        shutil.copytree(Path(vibe.__file__).parent / package, repo / "vibe" / package)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, help="the repository (default: the standard library)")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    scratch_root = tempfile.TemporaryDirectory(prefix="vibe-bench-map-")
    scratch = Path(scratch_root.name)
    root = (options.root or standard_library(scratch)).resolve()
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")
    database = scratch / "cache" / "vibe" / "code-facts.sqlite3"

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds, median, worst = await loop_lateness(lambda: run_indexer(root, database, StopFlag()))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"cold index by the indexer process (nice 10): {seconds:.1f} s ({cpu:.1f} s CPU); "
        f"event-loop timer late by median {median * 1000:.1f} ms, worst {worst * 1000:.0f} ms"
    )
    forget_memory()
    thread_db = scratch / "thread-cache" / "facts.sqlite3"
    seconds, median, worst = await loop_lateness(lambda: index_folder(root, thread_db, StopFlag()))
    print(
        f"the same index in a thread of the session: {seconds:.1f} s; timer late by "
        f"median {median * 1000:.1f} ms, worst {worst * 1000:.0f} ms"
    )

    samples: list[float] = []
    cpu_samples: list[float] = []
    section = ""
    for _ in range(options.runs):
        forget_memory()  # a new session: only the disk cache is warm
        started, cpu_started = time.perf_counter(), time.process_time()
        section = repo_map_section(root, "", 1000, tokens, StopFlag(), database)
        samples.append(time.perf_counter() - started)
        cpu_samples.append(time.process_time() - cpu_started)
    print(
        f"warm repository map: median {statistics.median(samples) * 1000:.0f} ms "
        f"({statistics.median(cpu_samples) * 1000:.0f} ms CPU), "
        f"first {samples[0] * 1000:.0f} ms ({tokens(section)} tokens, "
        f"{section.count(chr(10)) + 1} lines)"
    )

    big = scratch / "big" / "big_module.py"
    big.parent.mkdir()
    big.write_text(generated_module())
    ctx = ToolContext(Workspace.create(big.parent), LocalFileSystem(), NoSandbox())
    cpu = time.process_time()
    first, warm, _ = await timed(OutlineTool(), ctx, options.runs, path=big.name)
    cpu = (time.process_time() - cpu) / (options.runs + 1)
    print(
        f"outline of a 5,000-line file: first {first * 1000:.0f} ms, median {warm * 1000:.0f} ms "
        f"(mean {cpu * 1000:.0f} ms CPU)"
    )
    ctx = ToolContext(Workspace.create(root), LocalFileSystem(), NoSandbox())
    for name in ("OrderedDict", "Thread", "join"):
        await run(FindSymbolTool(), ctx, name=name)  # the first call parses what it needs
        cpu = time.process_time()
        first, warm, _ = await timed(FindSymbolTool(), ctx, options.runs, name=name)
        cpu = (time.process_time() - cpu) / (options.runs + 1)
        print(f"find_symbol {name}: warm median {warm * 1000:.0f} ms (mean {cpu * 1000:.0f} ms CPU)")

    cold, warm_size = first_request_tokens(small_repository(scratch), scratch)
    print(
        f"first request on a small repository ({'+'.join(SMALL_REPO_PACKAGES)}), map on: "
        f"{cold} tokens with a cold cache, {warm_size} with a warm one"
    )


if __name__ == "__main__":
    asyncio.run(main())

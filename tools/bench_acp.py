"""Benchmark of editor mode's start-up: how long an editor waits for `vibe acp`.

    python tools/bench_acp.py [--runs N]

From spawning the process: the time until `initialize` is answered (target ≤ 0.3 s), and the
time from that answer until `session/new` is answered (target ≤ 0.2 s more). Median and spread
over N runs, each in a fresh temp repository against a local endpoint (the fake server), with
the default model (whose context window is configured, so no `/models` request is made).

The package is byte-compiled first, as an installed copy is. The very first start of `vibe acp`
on a machine (or after an SDK or Python upgrade) prepares a copy of the SDK's schema for the
next ones (vibe.acp.schema_cache); it is measured and reported apart, in its own cache folder.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

from acp.interfaces import Client
from acp.schema import ClientCapabilities, FileSystemCapabilities
from acp.stdio import spawn_agent_process

from tools.bench import ensure_bytecode, vibe_command
from tools.fake_mistral import FakeMistral


class SilentEditor:
    """An editor that only listens: start-up needs nothing else from it."""

    async def session_update(self, session_id: str, update: Any, **kwargs: Any) -> None:
        return None


async def one_run(command: list[str], env: dict[str, str], repo: Path) -> tuple[float, float]:
    started = time.perf_counter()
    editor = cast(Client, SilentEditor())
    async with spawn_agent_process(editor, *command, env=env, cwd=repo) as (conn, _process):
        fs = FileSystemCapabilities(read_text_file=True, write_text_file=True)
        await conn.initialize(protocol_version=1, client_capabilities=ClientCapabilities(fs=fs))
        initialized = time.perf_counter()
        await conn.new_session(cwd=str(repo), mcp_servers=[])
        created = time.perf_counter()
    return initialized - started, created - initialized


def make_repos(root: Path, count: int) -> list[Path]:
    repos = [root / f"repo{n}" for n in range(count)]
    for repo in repos:
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repos


def summary(name: str, values: list[float], target: float) -> str:
    median = statistics.median(values)
    verdict = "ok" if median <= target else "over target"
    return (
        f"{name:<34} median {median * 1000:6.0f} ms  (min {min(values) * 1000:.0f}, "
        f"max {max(values) * 1000:.0f}; target ≤ {target * 1000:.0f} ms: {verdict})"
    )


async def bench(runs: int) -> None:
    ensure_bytecode()
    command = [*vibe_command(), "acp"]
    with FakeMistral() as fake, tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
        env.update(
            VIBE_HOME=str(home),
            VIBE_BASE_URL=fake.base_url,
            MISTRAL_API_KEY="bench-key-not-used",
            XDG_CACHE_HOME=str(Path(tmp) / "cache"),
        )
        repos = make_repos(Path(tmp), runs + 1)
        # Exits once the schema copy is written, so every later run finds it.
        cold = await one_run(command, env, repos[0])
        initialize: list[float] = []
        new_session: list[float] = []
        for repo in repos[1:]:
            first, second = await one_run(command, env, repo)
            initialize.append(first)
            new_session.append(second)
    print(f"vibe acp start-up, {runs} runs ({' '.join(command)})")
    print(
        f"first start (schema copy not yet prepared): initialize {cold[0] * 1000:.0f} ms, "
        f"session/new {cold[1] * 1000:.0f} ms more"
    )
    print(summary("spawn → initialize answered", initialize, 0.3))
    print(summary("initialize → session/new answered", new_session, 0.2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(bench(args.runs))


if __name__ == "__main__":
    sys.exit(main())

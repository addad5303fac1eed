"""Benchmarks for the MCP client's targets (issue 13).

    python tools/bench_mcp.py [--runs N] [--calls N]

- `vibe -p` with one model call against the fake endpoint, with no MCP servers and with two
  stdio test servers (tests/support/mcp_test_server.py) configured: median wall time of each,
  and, measured in-process, how long the two servers take to be ready (sandbox probe, spawn,
  handshake, listing), which is their own start-up time.
- An MCP call's round trip through vibe's tool (policy aside): the median over N calls of the
  test server's `echo`, whose own work is nil, so the figure bounds vibe's overhead.
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

from tools.fake_mistral import FakeMistral
from vibe.composition.engine import sandbox_policy
from vibe.composition.mcp_sources import add_mcp_sources
from vibe.config.settings import Settings
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, ToolContext, ToolRegistry
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace

SERVER = str(Path(__file__).resolve().parent.parent / "tests" / "support" / "mcp_test_server.py")
SERVERS = {f"s{n}": {"command": sys.executable, "args": [SERVER]} for n in range(2)}


def _config() -> str:
    return "".join(
        f'\n[mcp_servers.{name}]\ncommand = "{server["command"]}"\nargs = ["{SERVER}"]\n'
        for name, server in SERVERS.items()
    )


def median_run(home: Path, repo: Path, fake: FakeMistral, runs: int) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
    env.update(VIBE_HOME=str(home), VIBE_BASE_URL=fake.base_url, VIBE_MODEL="devstral-test")
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "vibe", "-p", "hi"], cwd=repo, env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def start_and_call(repo: Path, home: Path, calls: int) -> tuple[float, float]:
    """(seconds until both servers are ready, median seconds of one echo call)."""
    settings = Settings.model_validate({"mcp_servers": SERVERS})
    workspace = Workspace.create(repo)
    registry = ToolRegistry()
    add_mcp_sources(registry, settings, workspace, home, sandbox_policy(settings, workspace))
    started = time.perf_counter()
    await registry.start()
    await registry.wait_settled()
    ready = time.perf_counter() - started
    tool = registry.get("mcp__s0__echo")
    assert tool is not None, "the test server did not start"
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=NoSandbox())
    times: list[float] = []
    for _ in range(calls):
        began = time.perf_counter()
        invocation = await tool.prepare(tool.parse({"text": "x"}), ctx)
        assert isinstance(invocation, Invocation)
        await invocation.execute()
        times.append(time.perf_counter() - began)
    await registry.aclose()
    return ready, statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakeMistral() as fake:
        tmp = Path(folder)
        repo = tmp / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        without, with_two = tmp / "home-none", tmp / "home-two"
        without.mkdir()
        with_two.mkdir()
        (with_two / "config.toml").write_text(_config(), encoding="utf-8")
        median_run(without, repo, fake, 1)  # warm the caches (bytecode, sandbox helper)
        median_run(with_two, repo, fake, 1)
        none = median_run(without, repo, fake, args.runs)
        two = median_run(with_two, repo, fake, args.runs)
        asyncio.run(start_and_call(repo, with_two, 1))  # the SDK loaded once, as in a real run
        ready, call = asyncio.run(start_and_call(repo, with_two, args.calls))
    print(f"vibe -p, no MCP servers:      {none * 1000:6.0f} ms (median of {args.runs})")
    print(f"vibe -p, two stdio servers:   {two * 1000:6.0f} ms (+{(two - none) * 1000:.0f} ms)")
    print(f"the two servers' own start:   {ready * 1000:6.0f} ms (probe, spawn, handshake, list)")
    print(f"MCP echo call, round trip:    {call * 1000:6.2f} ms (median of {args.calls})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

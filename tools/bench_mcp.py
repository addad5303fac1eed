"""Benchmarks for the MCP client's targets (issue 13).

    python tools/bench_mcp.py [--runs N] [--calls N] [--server sh|tiny|sdk]

- `vibe -p` with one model call against the fake endpoint, with no MCP servers and with two
  stdio servers configured, run alternately (so load on the machine hits both alike): the
  median wall time of each. The servers are `tests/support/mcp_sh_server.sh` by default (bash
  with canned answers: a few milliseconds to start), or the Python one (`tiny`, standard library
  only) or the SDK's (`sdk`). Their own start-up is measured apart: spawning one and getting
  its handshake and tool list over raw pipes, without vibe. vibe's cost is the difference of
  the medians less that start-up.
- Editor mode (`--acp`): spawn → `initialize` answered and → `session/new` answered, with no
  servers and with the two configured, alternately (servers start after `session/new`).
- An MCP call's overhead: the median round trip of `echo` through vibe's tool (session,
  sandboxed pipes, result conversion) less the median round trip of the same call written
  straight to the server's pipes, which is the server's own time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.fake_mistral import FakeMistral, reply
from vibe.composition.engine import sandbox_policy
from vibe.composition.mcp_sources import add_mcp_sources
from vibe.config.settings import Settings
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, ToolContext, ToolRegistry
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace

SUPPORT = Path(__file__).resolve().parent.parent / "tests" / "support"
# Each server as the command that starts it: `sh` (bash with canned answers) starts in a few
# milliseconds, `tiny` (Python's standard library) in the interpreter's start-up, `sdk` (the
# SDK's own server) in most of a second.
SERVERS = {
    "sh": ["bash", str(SUPPORT / "mcp_sh_server.sh")],
    "tiny": [sys.executable, str(SUPPORT / "mcp_tiny_server.py")],
    "sdk": [sys.executable, str(SUPPORT / "mcp_test_server.py")],
}
HANDSHAKE = [
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "bench", "version": "1"},
        },
    },
    {"jsonrpc": "2.0", "method": "notifications/initialized"},
    {"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
]


def _servers(argv: list[str]) -> dict[str, dict[str, object]]:
    return {f"s{n}": {"command": argv[0], "args": argv[1:]} for n in range(2)}


def _config(argv: list[str]) -> str:
    return "".join(
        f"\n[mcp_servers.{name}]\ncommand = {json.dumps(argv[0])}\nargs = {json.dumps(argv[1:])}\n"
        for name in _servers(argv)
    )


def one_run(home: Path, repo: Path, fake: FakeMistral) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
    env.update(VIBE_HOME=str(home), VIBE_BASE_URL=fake.base_url, VIBE_MODEL="devstral-test")
    fake.script(reply("done"))
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "vibe", "-p", "hi"], cwd=repo, env=env, capture_output=True, check=True
    )
    return time.perf_counter() - started


def server_start(argv: list[str]) -> float:
    """Seconds from spawning the server to its tool list, over raw pipes (no vibe, no sandbox)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    for message in HANDSHAKE:
        process.stdin.write(json.dumps(message).encode() + b"\n")
    process.stdin.flush()
    answered = 0
    while answered < 2:
        answered += b'"id"' in process.stdout.readline()
    took = time.perf_counter() - started
    process.stdin.close()
    process.wait()
    return took


def raw_call(argv: list[str], calls: int) -> float:
    """Median seconds of one echo call written straight to the server's pipes."""
    process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    for message in HANDSHAKE:
        process.stdin.write(json.dumps(message).encode() + b"\n")
    process.stdin.flush()
    process.stdout.readline()
    process.stdout.readline()
    times: list[float] = []
    for n in range(calls):
        request = {
            "jsonrpc": "2.0",
            "id": 10 + n,
            "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "x"}},
        }
        began = time.perf_counter()
        process.stdin.write(json.dumps(request).encode() + b"\n")
        process.stdin.flush()
        process.stdout.readline()
        times.append(time.perf_counter() - began)
    process.stdin.close()
    process.wait()
    return statistics.median(times)


async def vibe_call(argv: list[str], repo: Path, home: Path, calls: int) -> float:
    """Median seconds of one echo call through vibe's MCP tool (the policy aside)."""
    settings = Settings.model_validate({"mcp_servers": _servers(argv)})
    workspace = Workspace.create(repo)
    registry = ToolRegistry()
    add_mcp_sources(registry, settings, workspace, home, sandbox_policy(settings, workspace))
    await registry.start()
    await registry.wait_settled()
    tool = registry.get("mcp__s0__echo")
    assert tool is not None, "the server did not start"
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=NoSandbox())
    times: list[float] = []
    for _ in range(calls):
        began = time.perf_counter()
        invocation = await tool.prepare(tool.parse({"text": "x"}), ctx)
        assert isinstance(invocation, Invocation)
        await invocation.execute()
        times.append(time.perf_counter() - began)
    await registry.aclose()
    return statistics.median(times)


def acp_start(home: Path, repo: Path, fake: FakeMistral) -> tuple[float, float]:
    """(seconds to `initialize`, seconds from there to `session/new`) for one `vibe acp`."""
    from tools.bench_acp import one_run

    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
    env.update(VIBE_HOME=str(home), VIBE_BASE_URL=fake.base_url, MISTRAL_API_KEY="bench-key-not-used")
    return asyncio.run(one_run([sys.executable, "-m", "vibe", "acp"], env, repo))


def bench_acp(homes: tuple[Path, Path], repo: Path, fake: FakeMistral, runs: int) -> None:
    acp_start(homes[0], repo, fake)  # the SDK's schema copy, prepared once
    timings: dict[Path, list[tuple[float, float]]] = {home: [] for home in homes}
    for _ in range(runs):
        for home in homes:
            timings[home].append(acp_start(home, repo, fake))
    for home, label in zip(homes, ("no MCP servers", "two servers"), strict=True):
        initialize = statistics.median(first for first, _ in timings[home]) * 1000
        new_session = statistics.median(second for _, second in timings[home]) * 1000
        print(
            f"vibe acp, {label:<15} initialize {initialize:5.0f} ms, session/new {new_session:5.0f} ms more"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--server", choices=sorted(SERVERS), default="sh")
    parser.add_argument("--acp", action="store_true", help="measure editor mode's start-up only")
    args = parser.parse_args()
    argv = SERVERS[args.server]
    with tempfile.TemporaryDirectory() as folder, FakeMistral() as fake:
        tmp = Path(folder)
        repo = tmp / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        without, with_two = tmp / "home-none", tmp / "home-two"
        without.mkdir()
        with_two.mkdir()
        (with_two / "config.toml").write_text(_config(argv), encoding="utf-8")
        if args.acp:
            bench_acp((without, with_two), repo, fake, args.runs)
            return 0
        one_run(without, repo, fake)  # warm the caches (bytecode, sandbox helper)
        one_run(with_two, repo, fake)
        none: list[float] = []
        two: list[float] = []
        for _ in range(args.runs):  # alternately, so the machine's load hits both alike
            none.append(one_run(without, repo, fake))
            two.append(one_run(with_two, repo, fake))
        own_start = statistics.median(server_start(argv) for _ in range(args.runs))
        raw = raw_call(argv, args.calls)
        through_vibe = asyncio.run(vibe_call(argv, repo, with_two, args.calls))
    slower = statistics.median(two) - statistics.median(none)
    print(f"vibe -p, no MCP servers:        {statistics.median(none) * 1000:6.0f} ms (median of {args.runs})")
    with_servers = statistics.median(two) * 1000
    print(f"vibe -p, two {args.server:<4} servers:    {with_servers:6.0f} ms (+{slower * 1000:.0f} ms)")
    print(f"a server's own start-up:        {own_start * 1000:6.0f} ms (spawn to tool list, raw pipes)")
    print(f"vibe's own cost:                {(slower - own_start) * 1000:+6.0f} ms (target ≤ +100 ms)")
    print(f"echo call, straight to server:  {raw * 1000:6.2f} ms (median of {args.calls})")
    print(f"echo call, through vibe:        {through_vibe * 1000:6.2f} ms")
    print(f"MCP call overhead:              {(through_vibe - raw) * 1000:6.2f} ms (target ≤ 10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

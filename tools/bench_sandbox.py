"""Sandbox overhead: per-command cost of each backend against a bare spawn, and the probe cost.

    python tools/bench_sandbox.py [--runs 50] [--files 200000]

Each command is `true`, run through `run_process` exactly as the bash tool runs it (spawn, wait,
drain, stray sweep, and the metadata guard's check of the workspace), so the figures are what a
user pays per command. Target: ≤ 20 ms. `--files N` fills the workspace with N files (ten per
folder, as in a real tree) to show that a large repository pays once, on its first command, and
not per command; that first command is reported separately.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from vibe.sandbox.base import NoSandbox, Sandbox, SandboxPolicy, SandboxReport, SpawnSpec
from vibe.sandbox.metadata_guard import MetadataGuard
from vibe.sandbox.probe import BackendUnavailableError, default_backends, probe_backend
from vibe.sandbox.process import run_process

TRUE = ["/bin/true"]


class _Bare:
    """No wrapping at all: what running `true` costs through run_process, the zero line."""

    @property
    def report(self) -> SandboxReport:
        return NoSandbox().report

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        return SpawnSpec(argv=list(argv), cwd=cwd)


async def _time_commands(sandbox: Sandbox, cwd: Path, runs: int) -> list[float]:
    samples: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        await run_process(sandbox.wrap(TRUE, cwd), timeout=30, on_output=None, cap_bytes=1024)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.2f} ms   p90 {p90:6.2f} ms"


def _fill(workspace: Path, files: int) -> None:
    """`files` empty files, ten per folder, in folders fifty to a parent."""
    for index in range(files // 10):
        folder = workspace / f"a{index // 2500}" / f"b{index // 50 % 50}" / f"c{index % 50}"
        folder.mkdir(parents=True, exist_ok=True)
        for name in range(10):
            (folder / f"f{name}.txt").touch()


def _policy(workspace: Path) -> SandboxPolicy:
    # As the composition root builds it: a fresh guard, idle until the first command.
    return SandboxPolicy(writable_roots=(workspace,), guard=MetadataGuard((workspace,)))


def main() -> None:
    parser = argparse.ArgumentParser(description="Sandbox overhead per command and probe cost.")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--files", type=int, default=0, help="files to put in the workspace first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workspace = Path(folder)
        (workspace / ".git" / "hooks").mkdir(parents=True)
        if args.files:
            started = time.perf_counter()
            _fill(workspace, args.files)
            print(f"workspace: {args.files:,} files ({time.perf_counter() - started:.1f} s to make)")
        baseline = asyncio.run(_time_commands(_Bare(), workspace, args.runs))
        print(f"{'bare spawn':12} per command: {_describe(baseline)}")
        base_median = statistics.median(baseline)
        unconfined = asyncio.run(_time_commands(NoSandbox(), workspace, args.runs))
        overhead = statistics.median(unconfined) - base_median
        print(f"{'unconfined':12} per command: {_describe(unconfined)}   overhead {overhead:+6.2f} ms")
        for backend in default_backends():
            probes: list[float] = []
            try:
                started = time.perf_counter()
                sandbox = probe_backend(backend, _policy(workspace))
                probes.append((time.perf_counter() - started) * 1000)
                for _ in range(4):
                    started = time.perf_counter()
                    probe_backend(backend, _policy(workspace))
                    probes.append((time.perf_counter() - started) * 1000)
            except BackendUnavailableError as exc:
                print(f"{backend.name:12} unavailable: {exc}")
                continue
            first = asyncio.run(_time_commands(sandbox, workspace, 1))
            samples = asyncio.run(_time_commands(sandbox, workspace, args.runs))
            overhead = statistics.median(samples) - base_median
            print(f"{backend.name:12} per command: {_describe(samples)}   overhead {overhead:+6.2f} ms")
            print(f"{'':12} first command (walks the workspace once): {first[0]:7.2f} ms")
            print(f"{'':12} probe:       {_describe(probes)}")


if __name__ == "__main__":
    main()

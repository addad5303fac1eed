"""Search tools on a large repository: `grep` and `glob` against running ripgrep directly.

    python tools/bench_search.py [--root DIR] [--files 200000] [--runs 3]

Generates (once, then reuses) a repository of `--files` source files in nested folders, with a
`.gitignore`d build folder beside them, then times with a warm page cache:

- `grep` for a word found in three files, against `rg WORD`;
- `grep` for `.` (every line matches), against `rg -c .`;
- `glob **/*.py`, against `rg --files`.

The tools run as a session runs them: prepared and executed in-process, under the sandbox the
start-up probe picks. Targets: each grep ≤ 2× its ripgrep figure, glob ≤ 0.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vibe.sandbox.base import SandboxPolicy
from vibe.sandbox.probe import create_sandbox
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.glob_tool import GlobTool
from vibe.tools.grep import GrepTool
from vibe.tools.ripgrep import find_ripgrep
from vibe.tools.workspace import Workspace

RARE_WORD = "quuxblorptangle"
_RARE_FILES = 3
_FILES_PER_FOLDER = 100
_FOLDERS_PER_PACKAGE = 10
_IGNORED_FILES = 2_000
_EXTENSIONS = (".py", ".py", ".py", ".py", ".js", ".js", ".ts", ".md", ".txt", ".json")
_WORDS = (
    *("value", "result", "index", "count", "items", "config", "parser", "handler", "request"),
    *("response", "buffer", "stream", "token", "session", "client", "server", "module", "import"),
    *("return", "yield", "class", "def", "async", "await", "self", "data", "path", "name"),
)


def _line(rng: random.Random) -> str:
    indent = "    " * rng.randrange(3)
    return indent + " ".join(rng.choice(_WORDS) for _ in range(rng.randrange(3, 10)))


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def generate(root: Path, files: int) -> Path:
    """The repository for `files` files under `root`, generated unless already there."""
    repo = root / f"repo-{files}"
    done = repo / ".generated"
    if done.exists():
        return repo
    print(f"generating {files:,} files in {repo} (once) …", flush=True)
    rng = random.Random(16)
    # A small pool of bodies keeps generation quick; the sizes still vary like real sources.
    bodies = ["\n".join(_line(rng) for _ in range(rng.randrange(10, 50))) + "\n" for _ in range(500)]
    rare = set(rng.sample(range(files), _RARE_FILES))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    _write(repo / ".gitignore", "build/\n*.log\n")
    per_package = _FILES_PER_FOLDER * _FOLDERS_PER_PACKAGE
    for number in range(files):
        folder = repo / f"pkg{number // per_package:04}" / f"mod{number // _FILES_PER_FOLDER % 10:02}"
        if number % _FILES_PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        body = bodies[number % len(bodies)]
        if number in rare:
            body += f"# {RARE_WORD} lives here\n"
        _write(folder / f"file{number:06}{_EXTENSIONS[number % len(_EXTENSIONS)]}", body)
    ignored = repo / "build" / "gen"
    ignored.mkdir(parents=True)
    for number in range(_IGNORED_FILES):
        _write(ignored / f"out{number:05}.py", bodies[number % len(bodies)])
    _write(done, "")
    return repo


def _timed(runs: int, action: Callable[[], object]) -> tuple[float, object]:
    samples: list[float] = []
    outcome: object = None
    for _ in range(runs):
        started = time.perf_counter()
        outcome = action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), outcome


def _rg(rg: str, repo: Path, *args: str) -> int:
    # Into a pipe, as a user's terminal would take it (rg stops early when writing to /dev/null).
    completed = subprocess.run([rg, *args], cwd=repo, capture_output=True, check=False)
    return len(completed.stdout)


def _tool_runner(tool: Tool[Any], ctx: ToolContext, arguments: dict[str, Any]) -> Callable[[], ToolResult]:
    async def call() -> ToolResult:
        prepared = await tool.prepare(tool.args_model.model_validate(arguments), ctx)
        return await prepared.execute() if isinstance(prepared, Invocation) else prepared

    return lambda: asyncio.run(call())


def main() -> None:
    parser = argparse.ArgumentParser(description="grep and glob on a generated repository.")
    parser.add_argument("--root", type=Path, default=Path(tempfile.gettempdir()) / "vibe-bench-search")
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rg = find_ripgrep()
    if rg is None:
        raise SystemExit("ripgrep not found: install vibe with its dependencies")
    repo = generate(args.root, args.files)
    workspace = Workspace.create(repo)
    sandbox = create_sandbox(SandboxPolicy(writable_roots=workspace.roots), "prefer")
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=sandbox)
    print(f"sandbox: {sandbox.report.backend}; ripgrep: {rg}")
    _rg(rg, repo, "--files")  # warm the page cache and the dentry cache
    cases: list[tuple[str, Callable[[], object], Callable[[], object], float | None]] = [
        (
            f"grep {RARE_WORD}",
            _tool_runner(GrepTool(), ctx, {"pattern": RARE_WORD}),
            lambda: _rg(rg, repo, RARE_WORD),
            2.0,
        ),
        (
            "grep .",
            _tool_runner(GrepTool(), ctx, {"pattern": "."}),
            lambda: _rg(rg, repo, "-c", "."),
            2.0,
        ),
        (
            "glob **/*.py",
            _tool_runner(GlobTool(), ctx, {"pattern": "**/*.py"}),
            lambda: _rg(rg, repo, "--files"),
            None,
        ),
    ]
    for name, tool, direct, ratio in cases:
        tool_seconds, result = _timed(args.runs, tool)
        rg_seconds, _ = _timed(args.runs, direct)
        assert isinstance(result, ToolResult)
        verdict = f"{tool_seconds / rg_seconds:5.2f}× rg (target ≤ {ratio:.0f}×)" if ratio else ""
        if ratio is None:
            verdict = f"target ≤ 0.50 s: {'met' if tool_seconds <= 0.5 else 'MISSED'}"
        elif tool_seconds > ratio * rg_seconds:
            verdict += " MISSED"
        print(f"{name:24} vibe {tool_seconds:6.2f} s   rg {rg_seconds:6.2f} s   {verdict}")
        print(f"{'':24} {len(result.output):,} chars, last line: {result.output.splitlines()[-1][:70]}")


if __name__ == "__main__":
    main()

"""Code tools on a large repository: `outline` and `find_symbol` on the interpreter's standard library.

    python tools/bench_outline.py [--root DIR] [--runs 5]

The large repository is a copy of the running interpreter's standard library (its `.py` files,
without `site-packages`; about 1,800 files and 860,000 lines on Python 3.11), or `--root`. Timed:

- parsing every source file once and extracting its symbols, in one thread (the cold index;
  target ≤ 30 s);
- `outline` of a generated 5,000-line Python file (target ≤ 50 ms);
- `outline` of the whole folder (its size budget ends it early);
- `find_symbol` for a rare, a common and a very common name: the first call (cold: it parses
  what it needs and keeps the files' facts), the median of the next ones (warm; target ≤ 100 ms),
  and a call whose facts come from the disk cache (a new session's first call).

The tools run as a session runs them: prepared and executed in-process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import Any

from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.code.facts_cache import forget_memory
from vibe.tools.code.languages import language_for, parse
from vibe.tools.code.source_files import read_source
from vibe.tools.code.symbols import symbols_of_tree
from vibe.tools.find_symbol import FindSymbolTool
from vibe.tools.fs import LocalFileSystem
from vibe.tools.ignore import walk_files
from vibe.tools.outline import OutlineTool
from vibe.tools.workspace import Workspace

NAMES = ("OrderedDict", "Thread", "join")


def standard_library(into: Path) -> Path:
    """A copy of the standard library's `.py` files without `site-packages` (the tools would
    otherwise search every installed package too)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])

    def ignored(folder: str, names: list[str]) -> set[str]:
        return {
            name
            for name in names
            if name in ("site-packages", "__pycache__")
            or (not name.endswith(".py") and not (Path(folder) / name).is_dir())
        }

    target = into / "stdlib"
    shutil.copytree(stdlib, target, ignore=ignored, symlinks=True)
    return target


def source_files(root: Path) -> list[Path]:
    return [path for path in walk_files(root, skip_hidden=True) if language_for(path)]


def cold_index(files: list[Path]) -> tuple[float, int, int, int]:
    """Seconds to parse every file and extract its symbols; files, lines and symbols seen."""
    lines = symbols = parsed = 0
    started = time.perf_counter()
    for path in files:
        data = read_source(path)
        language = language_for(path)
        if isinstance(data, str) or language is None:
            continue
        tree = parse(data, language)
        symbols += len(symbols_of_tree(tree, data, language))
        lines += data.count(b"\n")
        parsed += 1
    return time.perf_counter() - started, parsed, lines, symbols


def five_thousand_lines() -> str:
    parts: list[str] = ['"""A generated module."""\n\nimport os\n\n']
    index = 0
    while sum(part.count("\n") for part in parts) < 5000:
        parts.append(f'\nclass Service{index}(Base):\n    """Service {index}."""\n\n')
        for method in range(8):
            parts.append(
                f"    def handle_{method}(self, request: dict[str, int], *, retries: int = 3) -> int:\n"
                f"        total = sum(request.values()) + retries\n"
                f"        if total > {method}:\n"
                f"            return os.getpid() + total\n"
                f"        return total\n\n"
            )
        index += 1
    return "".join(parts)


async def run(tool: Tool[Any], ctx: ToolContext, **arguments: Any) -> ToolResult:
    prepared = await tool.prepare(tool.args_model.model_validate(arguments), ctx)
    return await prepared.execute() if isinstance(prepared, Invocation) else prepared


async def timed(tool: Tool[Any], ctx: ToolContext, runs: int, **arguments: Any) -> tuple[float, float, str]:
    """First call's seconds, the median of the next `runs`, and the output."""
    started = time.perf_counter()
    result = await run(tool, ctx, **arguments)
    first = time.perf_counter() - started
    samples: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        await run(tool, ctx, **arguments)
        samples.append(time.perf_counter() - started)
    return first, statistics.median(samples), result.output


async def from_disk(tool: Tool[Any], ctx: ToolContext, **arguments: Any) -> float:
    """Seconds of a call whose file facts come from the disk cache (a new session's first)."""
    forget_memory()
    started = time.perf_counter()
    await run(tool, ctx, **arguments)
    return time.perf_counter() - started


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, help="the repository (default: the standard library)")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    scratch_root = tempfile.TemporaryDirectory(prefix="vibe-bench-outline-")
    scratch = Path(scratch_root.name)
    root = (options.root or standard_library(scratch)).resolve()
    # A cache of this run's own: the first calls are cold.
    os.environ["XDG_CACHE_HOME"] = str(scratch / "cache")

    files = source_files(root)
    seconds, parsed, lines, symbols = cold_index(files)
    print(
        f"cold index of {root}: {seconds:.1f} s for {parsed:,} files ({len(files) - parsed} skipped), "
        f"{lines:,} lines, {symbols:,} top-level symbols, one thread"
    )

    big = scratch / "big" / "big_module.py"
    big.parent.mkdir()
    big.write_text(five_thousand_lines())
    ctx = ToolContext(Workspace.create(big.parent), LocalFileSystem(), NoSandbox())
    first, warm, output = await timed(OutlineTool(), ctx, options.runs, path=big.name)
    size = output.count("\n")
    print(
        f"outline of a {big.read_text().count(chr(10)):,}-line file: first {first * 1000:.0f} ms, "
        f"median {warm * 1000:.0f} ms ({size} lines out)"
    )

    ctx = ToolContext(Workspace.create(root), LocalFileSystem(), NoSandbox())
    first, warm, output = await timed(OutlineTool(), ctx, options.runs, path=".")
    print(
        f"outline of the folder: first {first * 1000:.0f} ms, median {warm * 1000:.0f} ms "
        f"({len(output):,} chars; last line: {output.splitlines()[-1][:90]})"
    )
    for name in NAMES:
        first, warm, output = await timed(FindSymbolTool(), ctx, options.runs, name=name)
        disk = await from_disk(FindSymbolTool(), ctx, name=name)
        counts = [line for line in output.splitlines() if "definition" in line or "using" in line]
        print(
            f"find_symbol {name}: first {first * 1000:.0f} ms (facts of the files it needs parsed), "
            f"warm median {warm * 1000:.0f} ms, from the disk cache {disk * 1000:.0f} ms "
            f"({'; '.join(line.rstrip(':.') for line in counts[:2])})"
        )


if __name__ == "__main__":
    asyncio.run(main())

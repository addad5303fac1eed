"""The `grep` tool: regex search over the workspace, with ripgrep when present.

Two backends feed one collector and one formatter, so the model sees the same text whichever
ran: ripgrep (`--json`, parsed) when it is on PATH, else a Python walk over the same
gitignore-aware file set. Python's `re` accepts a few things ripgrep's engine does not
(look-around, backreferences); such patterns fall back to the Python backend instead of failing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast

from pydantic import BaseModel, Field

from vibe.sandbox.base import Sandbox
from vibe.sandbox.process import finish_spec
from vibe.tools.base import Invocation, Tool, ToolContext, ToolKind, ToolResult
from vibe.tools.fs import looks_binary
from vibe.tools.glob_tool import path_filter
from vibe.tools.ignore import walk_files
from vibe.tools.output_cap import cap_text, shorten_line
from vibe.tools.workspace import OutsideWorkspaceError, Workspace

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_LINE_CHARS = 300
MAX_OUTPUT_CHARS = 30_000
# ripgrep emits one JSON object per line; a match in a long minified line makes a long one.
_RG_LINE_LIMIT = 4 * MAX_FILE_BYTES


class GrepArgs(BaseModel):
    pattern: str = Field(description="Regular expression.")
    path: str = Field(default=".", description="File or folder to search.")
    glob: str = Field(default="", description="Only files matching this glob, e.g. *.py.")
    ignore_case: bool = False
    context: int = Field(default=0, ge=0, le=20, description="Lines of context around each match.")
    max_results: int = Field(default=100, ge=1, le=1000)


@dataclass(frozen=True, slots=True)
class GrepLine:
    number: int
    text: str
    is_match: bool
    focus: int | None = None  # character offset of the first match in `text`


@dataclass(slots=True)
class GrepCollector:
    """Keeps the first `max_results` matches with their context; counts the rest."""

    max_results: int
    context: int
    files: dict[Path, list[GrepLine]] = field(default_factory=dict[Path, list[GrepLine]])
    total_matches: int = 0
    _last_kept: tuple[Path, int] | None = None

    @property
    def full(self) -> bool:
        return self.total_matches >= self.max_results

    def add_match(self, path: Path, number: int, text: str, focus: int | None) -> None:
        if not self.full:
            self.files.setdefault(path, []).append(GrepLine(number, text, True, focus))
            self._last_kept = (path, number)
        self.total_matches += 1

    def add_context(self, path: Path, number: int, text: str) -> None:
        # Before the cap, context may lead up to a match that will be kept; after it, only the
        # trailing context of the last kept match is still wanted.
        last = self._last_kept
        trailing = last is not None and last[0] == path and number <= last[1] + self.context
        if not self.full or trailing:
            self.files.setdefault(path, []).append(GrepLine(number, text, False))


class GrepTool(Tool[GrepArgs]):
    name: ClassVar[str] = "grep"
    args_model: ClassVar[type[BaseModel]] = GrepArgs
    kind: ClassVar[ToolKind] = "search"
    read_only: ClassVar[bool] = True

    def __init__(self, *, use_ripgrep: bool = True) -> None:
        # False forces the Python backend (tests; or to rule ripgrep out when debugging).
        self._use_ripgrep = use_ripgrep

    async def prepare(self, args: GrepArgs, ctx: ToolContext) -> Invocation | ToolResult:
        try:
            regex = re.compile(args.pattern, re.IGNORECASE if args.ignore_case else 0)
        except re.error as exc:
            return ToolResult.error(f"Invalid regex /{args.pattern}/: {exc}")
        try:
            target = ctx.workspace.resolve(args.path)
        except OutsideWorkspaceError as exc:
            return ToolResult.error(str(exc))
        if not target.exists():
            return ToolResult.error(f"{args.path} does not exist")
        shown = ctx.workspace.display(target)

        async def execute() -> ToolResult:
            collector = GrepCollector(args.max_results, args.context)
            rg = shutil.which("rg") if self._use_ripgrep else None
            searched = False
            if rg is not None:
                is_dir = await asyncio.to_thread(target.is_dir)
                searched = await search_ripgrep(rg, args, target, is_dir, ctx.sandbox, collector)
            if not searched:
                collector = GrepCollector(args.max_results, args.context)
                await asyncio.to_thread(search_python, regex, target, args.glob, collector)
            return ToolResult(output=render(collector, args.pattern, shown, ctx.workspace))

        title = f"grep /{args.pattern}/ in {shown}"
        return Invocation(title=title, execute=execute, locations=(str(target),))


def search_python(regex: re.Pattern[str], target: Path, glob: str, collector: GrepCollector) -> None:
    """The fallback backend: same file set and result shape as ripgrep's."""
    wanted = path_filter(glob) if glob else None
    base = target if target.is_dir() else target.parent
    for path in walk_files(target):
        if wanted is not None and target.is_dir() and not wanted(path.relative_to(base).as_posix()):
            continue
        lines = _text_lines(path)
        if lines is None:
            continue
        _search_lines(regex, path, lines, collector)


def _text_lines(path: Path) -> list[str] | None:
    """The file's lines, or None for files ripgrep would skip too (binary, huge, unreadable)."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if looks_binary(data):
        return None
    lines = data.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _search_lines(regex: re.Pattern[str], path: Path, lines: list[str], collector: GrepCollector) -> None:
    matches = [(index, found.start()) for index, line in enumerate(lines) if (found := regex.search(line))]
    if not matches:
        return
    context = collector.context
    shown: set[int] = set()
    for index, _ in matches:
        shown.update(range(max(0, index - context), min(len(lines), index + context + 1)))
    focus_of = dict(matches)
    for index in sorted(shown):
        if index in focus_of:
            collector.add_match(path, index + 1, lines[index], focus_of[index])
        else:
            collector.add_context(path, index + 1, lines[index])


def render(collector: GrepCollector, pattern: str, shown_target: str, workspace: Workspace) -> str:
    if collector.total_matches == 0:
        return f"No matches for /{pattern}/ in {shown_target}"
    blocks: list[str] = []
    for path in sorted(collector.files):
        name = workspace.display(path)
        out: list[str] = []
        previous: int | None = None
        for line in sorted(collector.files[path], key=lambda item: item.number):
            if collector.context and previous is not None and line.number > previous + 1:
                out.append("--")
            text = shorten_line(line.text, MAX_LINE_CHARS, line.focus)
            mark = ":" if line.is_match else "-"
            out.append(f"{name}{mark}{line.number}{mark} {text}")
            previous = line.number
        blocks.append("\n".join(out))
    text = cap_text("\n\n".join(blocks), MAX_OUTPUT_CHARS)
    hidden = collector.total_matches - collector.max_results
    if hidden > 0:
        noun = "match" if hidden == 1 else "matches"
        text += f"\n… {hidden} more {noun} not shown; narrow the pattern or path"
    return text


async def search_ripgrep(
    rg: str, args: GrepArgs, target: Path, is_dir: bool, sandbox: Sandbox, collector: GrepCollector
) -> bool:
    """Fill `collector` from ripgrep; False if ripgrep could not run the search (then the
    Python backend should, e.g. for look-around that ripgrep's regex engine rejects)."""
    # Run from the folder searched so that --glob patterns are relative to it, as in Python.
    cwd, operand = (target, ".") if is_dir else (target.parent, target.name)
    argv = [rg, "--json", "--no-config", "--hidden", "--no-require-git", "--glob", "!.git"]
    argv += ["--sort", "path", "--max-filesize", str(MAX_FILE_BYTES)]
    if args.ignore_case:
        argv.append("--ignore-case")
    if args.context:
        argv += ["--context", str(args.context)]
    if args.glob and is_dir:
        argv += ["--glob", args.glob]
    argv += ["--regexp", args.pattern, "--", operand]
    spec = sandbox.wrap(argv, cwd)
    try:
        process = await asyncio.create_subprocess_exec(
            *spec.argv,
            cwd=spec.cwd,
            env=dict(spec.env) if spec.env is not None else None,
            preexec_fn=spec.preexec,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            limit=_RG_LINE_LIMIT,
        )
    except BaseException:
        finish_spec(spec)
        raise
    assert process.stdout is not None and process.stderr is not None
    errors = asyncio.ensure_future(process.stderr.read(64 * 1024))
    parsed_any = False
    try:
        async for raw in process.stdout:
            parsed_any = True
            _collect_rg_message(json.loads(raw), cwd, collector)
        await process.wait()
    except ValueError:
        return False  # an over-long or malformed line: let the Python backend do it
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        # ripgrep writes nothing; this only closes the sandbox's books on the command.
        finish_spec(spec)
        stderr = (await errors).decode("utf-8", errors="replace")
    # Exit 1 is "no match"; 2 is an error, fatal only if nothing at all was searched.
    return not (process.returncode == 2 and (not parsed_any or "regex parse error" in stderr))


def _collect_rg_message(message: dict[str, Any], cwd: Path, collector: GrepCollector) -> None:
    kind = message.get("type")
    if kind not in ("match", "context"):
        return
    data = cast(dict[str, Any], message["data"])
    path = Path(os.path.normpath(cwd / _rg_text(data["path"])))
    raw_line = _rg_bytes(data["lines"])
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


def _rg_bytes(value: dict[str, Any]) -> bytes:
    """ripgrep sends valid UTF-8 as {"text": ...} and anything else as {"bytes": base64}."""
    if "text" in value:
        return str(value["text"]).encode("utf-8")
    return base64.b64decode(str(value["bytes"]))


def _rg_text(value: dict[str, Any]) -> str:
    return _rg_bytes(value).decode("utf-8", errors="surrogateescape")

"""The `grep` tool: regex search over the workspace, with ripgrep, or Python where it cannot.

Two backends feed one collector and one formatter, so the model sees the same text whichever
ran: ripgrep (grep_ripgrep.py), installed with vibe, and a Python search worker
(grep_python.py) over the same gitignore-aware file set, for patterns ripgrep's engine rejects
(look-around, backreferences) or when no ripgrep is found. Both run as processes of their own,
so a cancelled or timed-out search stops at once; neither ever opens a pipe or device.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.ignore import GIT_DIR
from vibe.tools.output_cap import cap_text
from vibe.tools.ripgrep import find_ripgrep
from vibe.tools.search_target import SearchTarget, check_target
from vibe.tools.shown_names import path_order, quote_name, unreadable_note
from vibe.tools.workspace import OutsideWorkspaceError, Workspace

if TYPE_CHECKING:
    from vibe.tools.grep_collect import GrepCollector

log = logging.getLogger("vibe.tools")

MAX_OUTPUT_CHARS = 30_000


class GrepArgs(BaseModel):
    pattern: str = Field(description="Regular expression.")
    path: str = Field(default=".", description="File or folder to search.")
    glob: str = Field(default="", description="Only files matching this glob, e.g. *.py.")
    ignore_case: bool = False
    context: int = Field(default=0, ge=0, le=20, description="Lines of context around each match.")
    max_results: int = Field(default=100, ge=1, le=1000)


class GrepTool(Tool[GrepArgs]):
    name = "grep"
    args_model = GrepArgs
    kind = "search"
    read_only = True

    def __init__(self, *, use_ripgrep: bool = True) -> None:
        # False forces the Python backend (tests; or to rule ripgrep out when debugging).
        self._use_ripgrep = use_ripgrep

    @property
    def uses_ripgrep(self) -> bool:
        return self._use_ripgrep and find_ripgrep() is not None

    async def prepare(self, args: GrepArgs, ctx: ToolContext) -> Invocation | ToolResult:
        try:
            re.compile(args.pattern, re.IGNORECASE if args.ignore_case else 0)
        except re.error as exc:
            return ToolResult.error(f"Invalid regex /{args.pattern}/: {exc}")
        try:
            target = ctx.workspace.resolve(args.path)
        except OutsideWorkspaceError as exc:
            return ToolResult.error(str(exc))
        shown = quote_name(ctx.workspace.display(target))
        checked = check_target(target, shown, self.name)
        if isinstance(checked, str):
            return ToolResult.error(checked)
        if checked.binary:
            return ToolResult.error(f"{shown} is a binary file: grep searches text")

        async def execute() -> ToolResult:
            collector = await self._search(args, target, checked, ctx)
            return ToolResult(output=render(collector, args.pattern, shown, ctx.workspace))

        title = f"grep /{args.pattern}/ in {shown}"
        return Invocation(title=title, execute=execute, locations=(str(target),))

    async def _search(
        self, args: GrepArgs, target: Path, checked: SearchTarget, ctx: ToolContext
    ) -> GrepCollector:
        # The search machinery loads with the first search, not with every start of vibe.
        from vibe.tools.grep_collect import GrepCollector
        from vibe.tools.grep_python import PythonSearch, run_python_search
        from vibe.tools.grep_ripgrep import RipgrepCannotError, RipgrepSearch, search_ripgrep

        collector = GrepCollector(args.max_results, args.context)
        if GIT_DIR in target.parts:
            return collector  # git's own database is never content to search
        in_folder = checked.kind == "folder"
        # Run from the folder searched so that --glob patterns are relative to it.
        cwd, operand = (target, ".") if in_folder else (target.parent, target.name)
        glob = args.glob if in_folder else ""
        rg = find_ripgrep() if self._use_ripgrep else None
        if rg is not None:
            search = RipgrepSearch(rg, args.pattern, args.ignore_case, cwd, operand, glob, args.context)
            try:
                await search_ripgrep(search, ctx.sandbox, collector)
                return collector
            except RipgrepCannotError as exc:
                log.info("grep falls back to Python: %s", exc)
        search_python = PythonSearch(
            args.pattern, args.ignore_case, str(target), glob, args.context, args.max_results
        )
        return await run_python_search(search_python, cwd)


def render(collector: GrepCollector, pattern: str, shown_target: str, workspace: Workspace) -> str:
    if collector.total_matches == 0:
        return f"No matches for /{pattern}/ in {shown_target}" + _unreadable_note(collector, workspace)
    blocks: list[str] = []
    for path in sorted(collector.files, key=path_order):
        name = quote_name(workspace.display(Path(path)))
        out: list[str] = []
        previous: int | None = None
        for line in sorted(collector.files[path], key=lambda item: item.number):
            if collector.context and previous is not None and line.number > previous + 1:
                out.append("--")
            mark = ":" if line.is_match else "-"
            out.append(f"{name}{mark}{line.number}{mark} {line.text}")
            previous = line.number
        blocks.append("\n".join(out))
    text = cap_text("\n\n".join(blocks), MAX_OUTPUT_CHARS)
    hidden = collector.total_matches - collector.kept_matches
    if hidden > 0:
        noun = "match" if hidden == 1 else "matches"
        text += f"\n… {hidden} more {noun} not shown; narrow the pattern or path"
    return text + _unreadable_note(collector, workspace)


def _unreadable_note(collector: GrepCollector, workspace: Workspace) -> str:
    return unreadable_note(collector.unreadable, workspace)

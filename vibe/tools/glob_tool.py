"""The `glob` tool: find files by name pattern, newest first, gitignore-aware.

Pattern semantics are in globbing.py. The files are listed by `rg --files` (ripgrep walks the
tree on every core, with the same ignore rules as vibe's walk), or by that walk when ripgrep is
not found; matching, dates and ordering are then done here, in a thread that stops when the call
is cancelled. Named after the stdlib module it would otherwise shadow; the tool is "glob".
"""

from __future__ import annotations

import heapq
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from vibe.sandbox.base import Sandbox
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.globbing import compile_glob, name_prefilter, split_literal_prefix
from vibe.tools.ignore import GIT_DIR, walk_files
from vibe.tools.ripgrep import COMMON_FLAGS, find_ripgrep, split_errors
from vibe.tools.search_target import check_target
from vibe.tools.shown_names import quote_name, unreadable_note
from vibe.tools.stoppable import StopFlag, run_stoppable
from vibe.tools.workspace import OutsideWorkspaceError, Workspace

log = logging.getLogger("vibe.tools")

MAX_LISTED = 200
# How often the matching thread looks at its stop flag.
_CHECK_EVERY = 1024


class GlobArgs(BaseModel):
    pattern: str = Field(description="Glob such as **/*.py or src/**/test_*.{ts,tsx}.")
    path: str = Field(default=".", description="Folder to search from.")


@dataclass(slots=True)
class Listing:
    """Files under the folder searched, relative to it, and the paths that could not be read."""

    names: Iterable[str]
    unreadable: list[str] = field(default_factory=list[str])


@dataclass(frozen=True, slots=True)
class Found:
    total: int
    newest: list[Path]  # at most MAX_LISTED, newest first


class GlobTool(Tool[GlobArgs]):
    name = "glob"
    args_model = GlobArgs
    kind = "search"
    read_only = True

    def __init__(self, *, use_ripgrep: bool = True) -> None:
        # False forces the Python walk (tests; or to rule ripgrep out when debugging).
        self._use_ripgrep = use_ripgrep

    async def prepare(self, args: GlobArgs, ctx: ToolContext) -> Invocation | ToolResult:
        pattern = args.pattern.strip().removeprefix("./")
        if not pattern:
            return ToolResult.error("pattern is empty; pass a glob such as **/*.py.")
        literal, rest = split_literal_prefix(pattern)
        try:
            root = ctx.workspace.resolve(args.path)
            base = ctx.workspace.resolve(str(root / literal)) if literal else root
        except OutsideWorkspaceError as exc:
            return ToolResult.error(str(exc))
        shown_root = quote_name(ctx.workspace.display(root))
        checked = check_target(root, shown_root, self.name, folders_only=True)
        if isinstance(checked, str):
            return ToolResult.error(checked)

        async def execute() -> ToolResult:
            if base != root:
                # The pattern's literal folders, e.g. src/app of src/app/**/*.py.
                checked_base = check_target(base, quote_name(ctx.workspace.display(base)), self.name)
                if isinstance(checked_base, str) and "permission denied" in checked_base:
                    return ToolResult.error(checked_base)
                if isinstance(checked_base, str) or checked_base.kind != "folder":
                    return ToolResult(output=_no_match(pattern, shown_root))
            if GIT_DIR in base.parts:
                return ToolResult(output=_no_match(pattern, shown_root))
            mentions_hidden = any(s.startswith(".") and s not in (".", "..") for s in rest.split("/"))
            listing = await self._list(base, rest, not mentions_hidden, ctx.sandbox)
            found = await run_stoppable(lambda flag: newest_matching(base, rest, listing.names, flag))
            output = _render(found, pattern, shown_root, ctx.workspace)
            return ToolResult(output=output + unreadable_note(listing.unreadable, ctx.workspace))

        return Invocation(title=f"glob {pattern} in {shown_root}", execute=execute, locations=(str(root),))

    async def _list(self, base: Path, rest: str, skip_hidden: bool, sandbox: Sandbox) -> Listing:
        rg = find_ripgrep() if self._use_ripgrep else None
        if rg is not None:
            try:
                return await list_with_ripgrep(rg, base, rest, skip_hidden, sandbox)
            except RipgrepCannotListError as exc:
                log.info("glob lists with the Python walk: %s", exc)
        return await run_stoppable(lambda flag: list_with_walk(base, skip_hidden, flag))


class RipgrepCannotListError(Exception):
    """ripgrep (or the sandbox starting it) failed for another reason than unreadable paths:
    the walk lists instead."""


async def list_with_ripgrep(rg: str, base: Path, rest: str, skip_hidden: bool, sandbox: Sandbox) -> Listing:
    from vibe.tools.search_process import search_process  # loaded with the first listing

    argv = [rg, *COMMON_FLAGS, "--files", "--null", "--glob", "!.git"]
    if not skip_hidden:
        argv.append("--hidden")
    # Fewer names to pass back and match here: the pattern's last segment, at any depth.
    for name in name_prefilter(rest) or ():
        argv += ["--glob", name]
    async with search_process(sandbox.wrap(argv, base)) as listing:
        output = await listing.read_all()
        finished = await listing.finish()
    unreadable, other_errors = split_errors(finished.stderr)
    if finished.code != 0 and other_errors:  # ripgrep, or the sandbox that should have started it, failed
        raise RipgrepCannotListError(other_errors[0])
    names = (os.fsdecode(name) for name in output.split(b"\0") if name)
    return Listing(names, [str(base / name.removeprefix("./")) for name in unreadable])


def list_with_walk(base: Path, skip_hidden: bool, flag: StopFlag) -> Listing:
    unreadable: list[Path] = []
    names: list[str] = []
    for count, path in enumerate(walk_files(base, skip_hidden=skip_hidden, unreadable=unreadable)):
        if count % _CHECK_EVERY == 0:
            flag.check()
        names.append(path.relative_to(base).as_posix())
    return Listing(names, [str(path) for path in unreadable])


def newest_matching(base: Path, pattern: str, names: Iterable[str], flag: StopFlag) -> Found:
    """The files among `names` (relative to `base`) matching `pattern`, newest first."""
    regex = compile_glob(pattern, match_hidden=False)
    folder = str(base)
    dated: list[tuple[float, str]] = []
    for count, name in enumerate(names):
        if count % _CHECK_EVERY == 0:
            flag.check()
        if regex.match(name) is None:
            continue
        try:
            # os.stat on a string: a Path per file costs as much as the stat itself.
            mtime = os.stat(f"{folder}/{name}").st_mtime  # noqa: PTH116
        except OSError:
            continue  # gone since it was listed
        dated.append((-mtime, name))
    newest = heapq.nsmallest(MAX_LISTED, dated)
    return Found(len(dated), [base / name for _, name in newest])


def _render(found: Found, pattern: str, shown_root: str, workspace: Workspace) -> str:
    if not found.total:
        return _no_match(pattern, shown_root)
    lines = [quote_name(workspace.display(path)) for path in found.newest]
    if found.total > len(found.newest):
        lines.append(f"… {found.total - len(found.newest)} more files not shown; narrow the pattern or path")
    return "\n".join(lines)


def _no_match(pattern: str, shown_root: str) -> str:
    message = f"No files match {pattern} in {shown_root}"
    if "/" not in pattern:
        message += f" (only the top folder is searched; use **/{pattern} to include subfolders)"
    return message

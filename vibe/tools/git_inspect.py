"""The read-only `git_status` and `git_diff` tools: what changed, as the model needs to read it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolError, ToolResult
from vibe.tools.git_process import DIFF_SAFETY
from vibe.tools.git_repo import GitRepo, open_repo
from vibe.tools.output_cap import cap_text
from vibe.tools.workspace import OutsideWorkspaceError

MAX_OUTPUT_CHARS = 30_000
MAX_LISTED = 200


async def git_result(ctx: ToolContext, work: Callable[[GitRepo], Awaitable[str]]) -> ToolResult:
    """Open the repository and run `work`; a bad call becomes an error the model can read."""
    try:
        repo = await open_repo(ctx.workspace)
        return ToolResult(output=await work(repo))
    except (ToolError, OutsideWorkspaceError) as exc:
        return ToolResult.error(str(exc))


def capped(text: str, hint: str) -> str:
    shown = cap_text(text, MAX_OUTPUT_CHARS)
    return shown if shown == text else f"{shown}\n({hint})"


class GitStatusArgs(BaseModel):
    pass


class GitStatusTool(Tool[GitStatusArgs]):
    name = "git_status"
    args_model = GitStatusArgs
    kind = "read"
    read_only = True

    async def prepare(self, args: GitStatusArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            return await git_result(ctx, _status)

        return Invocation(title="git status", execute=execute)


async def _status(repo: GitRepo) -> str:
    out = await repo.git(
        "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", "--ignore-submodules=dirty"
    )
    if not out.ok:
        raise ToolError(f"git status failed: {out.error_text()}")
    headers: dict[str, str] = {}
    groups: dict[str, list[str]] = {"Conflicts": [], "Staged": [], "Not staged": [], "Untracked": []}
    records = iter(out.stdout.split("\0"))
    for record in records:
        if record.startswith("# "):
            key, _, value = record[2:].partition(" ")
            headers[key] = value
        elif record.startswith(("1 ", "2 ")):
            fields = record.split(" ", 8 if record[0] == "1" else 9)
            staged, unstaged = fields[1][0], fields[1][1]
            path = fields[-1]
            if record[0] == "2":  # a rename or copy: the original path is the next record
                path = f"{next(records, '?')} -> {path}"
            if staged != ".":
                groups["Staged"].append(f"{staged} {path}")
            if unstaged != ".":
                groups["Not staged"].append(f"{unstaged} {path}")
        elif record.startswith("u "):
            fields = record.split(" ", 10)
            groups["Conflicts"].append(f"{fields[1]} {fields[-1]}")
        elif record.startswith("? "):
            groups["Untracked"].append(record[2:])
    lines = [_branch_line(headers, repo)]
    for title, entries in groups.items():
        if entries:
            lines.append(f"{title} ({len(entries)}):")
            lines += [f"  {entry}" for entry in entries[:MAX_LISTED]]
            if len(entries) > MAX_LISTED:
                lines.append(f"  ... and {len(entries) - MAX_LISTED} more")
    if len(lines) == 1:
        lines.append("Nothing changed: the work tree matches HEAD.")
    return "\n".join(lines)


def _branch_line(headers: dict[str, str], repo: GitRepo) -> str:
    head, oid = headers.get("branch.head", "?"), headers.get("branch.oid", "")
    if head == "(detached)":
        line = f"HEAD detached at {oid[:12]}"
    elif oid == "(initial)":
        line = f"On branch {head}, no commits yet"
    else:
        line = f"On branch {head}"
    upstream = headers.get("branch.upstream")
    if upstream:
        ahead, _, behind = headers.get("branch.ab", "+0 -0").partition(" ")
        line += f", tracking {upstream} (ahead {ahead.lstrip('+')}, behind {behind.lstrip('-')})"
    doing = repo.operation_in_progress()
    if doing:
        line += f"; {doing} is in progress"
    return line


class GitDiffArgs(BaseModel):
    target: str = "worktree"
    paths: list[str] = Field(default_factory=list)
    stat: bool = False


class GitDiffTool(Tool[GitDiffArgs]):
    name = "git_diff"
    args_model = GitDiffArgs
    kind = "read"
    read_only = True

    async def prepare(self, args: GitDiffArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            return await git_result(ctx, lambda repo: _diff(repo, args))

        return Invocation(title=f"git diff {args.target}", execute=execute)


async def _diff(repo: GitRepo, args: GitDiffArgs) -> str:
    specs = repo.pathspecs(args.paths)
    target = args.target.strip() or "worktree"
    if target == "worktree":
        revisions: list[str] = []
    elif target == "staged":
        revisions = ["--cached"]
    else:
        revisions = ["--end-of-options", *await _revisions(repo, target)]
    shape = ["--stat=120"] if args.stat else ["--patch", "--stat=120"]
    out = await repo.git("diff", *DIFF_SAFETY, "--no-color", *shape, *revisions, "--", *specs)
    if not out.ok:
        raise ToolError(f"git diff failed: {out.error_text()}")
    if not out.stdout.strip():
        return f"No differences ({target})."
    text = out.stdout + ("\n[... git's output was cut: too large ...]" if out.cut else "")
    return capped(text, "the diff was cut: ask for fewer paths, or stat=true for the summary")


async def _revisions(repo: GitRepo, target: str) -> list[str]:
    """A ref or an a..b / a...b range, each side checked, as commit ids git cannot misread."""
    for separator in ("...", ".."):
        if separator in target:
            left, _, right = target.partition(separator)
            ids = [await repo.verify_revision(side or "HEAD") for side in (left, right)]
            return [f"{ids[0]}{separator}{ids[1]}"]
    return [await repo.verify_revision(target)]

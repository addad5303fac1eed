"""The read-only `git_log`, `git_show` and `git_blame` tools: the repository's history."""

from __future__ import annotations

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolError, ToolResult
from vibe.tools.git_inspect import capped, git_result
from vibe.tools.git_process import DIFF_SAFETY
from vibe.tools.git_repo import GitRepo

MAX_LOG_COUNT = 200
MAX_BLAME_LINES = 400


class GitLogArgs(BaseModel):
    paths: list[str] = Field(default_factory=list)
    max_count: int = Field(default=20, ge=1, le=MAX_LOG_COUNT)
    grep: str = ""
    since: str = Field(default="", description='e.g. "2 weeks ago", "2024-05-01".')
    revision: str = "HEAD"


class GitLogTool(Tool[GitLogArgs]):
    name = "git_log"
    args_model = GitLogArgs
    kind = "read"
    read_only = True

    async def prepare(self, args: GitLogArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            return await git_result(ctx, lambda repo: _log(repo, args))

        return Invocation(title=f"git log {args.revision}", execute=execute)


async def _log(repo: GitRepo, args: GitLogArgs) -> str:
    specs = repo.pathspecs(args.paths)
    start = await repo.verify_revision(args.revision)
    # Each filter is one "--name=value" argument, so a value starting with "-" stays a value.
    filters = [f"--max-count={min(args.max_count, MAX_LOG_COUNT)}"]
    if args.grep:
        filters += [f"--grep={args.grep}", "--extended-regexp", "--regexp-ignore-case"]
    if args.since:
        filters.append(f"--since={args.since}")
    out = await repo.git(
        "log", "--format=%h %ad %an: %s", "--date=short", *filters, "--end-of-options", start, "--", *specs
    )
    if not out.ok:
        raise ToolError(f"git log failed: {out.error_text()}")
    return capped(out.stdout.rstrip(), "cut: ask for fewer commits") or "No commits match."


class GitShowArgs(BaseModel):
    revision: str = "HEAD"
    path: str = ""


class GitShowTool(Tool[GitShowArgs]):
    name = "git_show"
    args_model = GitShowArgs
    kind = "read"
    read_only = True

    async def prepare(self, args: GitShowArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            return await git_result(ctx, lambda repo: _show(repo, args))

        title = f"git show {args.revision}" + (f":{args.path}" if args.path else "")
        return Invocation(title=title, execute=execute)


async def _show(repo: GitRepo, args: GitShowArgs) -> str:
    commit = await repo.verify_revision(args.revision)
    if not args.path:
        out = await repo.git(
            "show", *DIFF_SAFETY, "--format=fuller", "--stat=120", "--patch", "--end-of-options", commit
        )
        if not out.ok:
            raise ToolError(f"git show failed: {out.error_text()}")
        return capped(out.stdout, "cut: use git_diff with paths for part of this commit")
    relative = repo.relative(args.path)
    kind = await repo.git("cat-file", "-t", f"{commit}:{relative}")
    if not kind.ok:
        raise ToolError(f"{args.path} does not exist at {args.revision}.")
    if kind.stdout.strip() == "tree":
        listing = await repo.checked("ls-tree", "--name-only", f"{commit}:{relative}")
        return capped(f"{args.path} is a folder at {args.revision}:\n{listing}", "cut")
    # cat-file runs no textconv driver unless asked to (--textconv): the blob as stored.
    blob = await repo.git("cat-file", "blob", f"{commit}:{relative}")
    if "\0" in blob.stdout[:8000]:
        return f"{args.path} at {args.revision} is a binary file; it cannot be shown."
    return capped(blob.stdout, "cut: use git_blame with a line range for part of this file")


class GitBlameArgs(BaseModel):
    path: str
    start_line: int = Field(default=1, ge=1)
    end_line: int = Field(default=0, description=f"0: {MAX_BLAME_LINES} lines on.")
    revision: str = Field(default="", description="Blame as of this commit.")


class GitBlameTool(Tool[GitBlameArgs]):
    name = "git_blame"
    args_model = GitBlameArgs
    kind = "read"
    read_only = True

    async def prepare(self, args: GitBlameArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            return await git_result(ctx, lambda repo: _blame(repo, args))

        return Invocation(title=f"git blame {args.path}", execute=execute, locations=(args.path,))


async def _blame(repo: GitRepo, args: GitBlameArgs) -> str:
    relative = repo.relative(args.path)
    commit = await repo.verify_revision(args.revision) if args.revision else None
    if commit is None:
        await repo.require_commits()
    last = args.end_line or args.start_line + MAX_BLAME_LINES - 1
    if last < args.start_line:
        raise ToolError(f"end_line {last} is before start_line {args.start_line}.")
    last = min(last, args.start_line + MAX_BLAME_LINES - 1)
    revision = ["--end-of-options", commit] if commit else []
    lines = f"-L{args.start_line},{last}"
    shown = repo.from_cwd(relative)
    out = await repo.git("blame", "--no-textconv", "--date=short", lines, *revision, "--", shown)
    if not out.ok:
        text = out.error_text()
        if "has only" in text:
            detail = text.removeprefix("fatal: file ").strip()
            raise ToolError(f"{args.path} {detail}; ask for lines within it.")
        if "no such path" in text:
            raise ToolError(f"{args.path} is not tracked by git (no history to blame).")
        raise ToolError(f"git blame failed: {text}")
    return capped(out.stdout.rstrip(), "cut: ask for fewer lines")

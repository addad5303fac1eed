"""The `git_branch` tool: create a branch, switch to one, or both; never at the cost of changes.

Switching uses `git switch` without --force, --discard-changes or --merge: git itself refuses
when a local change or an untracked file would be overwritten, and uncommitted changes that do
not conflict come along. A post-checkout hook runs as `git_hooks` decides.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolError, ToolResult
from vibe.tools.git_hooks import SWITCH_HOOKS, HookPlan, plan_hooks, run_hook
from vibe.tools.git_repo import GitRepo, open_repo
from vibe.tools.workspace import OutsideWorkspaceError


class GitBranchArgs(BaseModel):
    name: str
    create: bool = True
    switch: bool = True
    start_point: str = Field(default="", description="Commit to create it at (default HEAD).")


class GitBranchTool(Tool[GitBranchArgs]):
    name = "git_branch"
    args_model = GitBranchArgs
    kind = "other"
    read_only = False

    async def prepare(self, args: GitBranchArgs, ctx: ToolContext) -> Invocation | ToolResult:
        if not args.create and not args.switch:
            return ToolResult.error("create and switch are both false: there is nothing to do.")
        try:
            repo = await open_repo(ctx.workspace)
            await _check_name(repo, args.name)
            exists = (await repo.git("show-ref", "--verify", "--quiet", f"refs/heads/{args.name}")).ok
            start = await _start_point(repo, args, exists)
            if args.switch:
                await _check_switchable(repo)
                await _check_filters(repo, args, start)
        except (ToolError, OutsideWorkspaceError) as exc:
            return ToolResult.error(str(exc))
        hooks = plan_hooks(repo, ctx, SWITCH_HOOKS) if args.switch else None
        verb = {(True, True): "Create and switch to", (True, False): "Create", (False, True): "Switch to"}
        title = f"{verb[(args.create, args.switch)]} branch {args.name}"
        if args.create and start is not None:
            title += f" at {args.start_point or 'HEAD'} ({start[:12]})"
        note = hooks.describe() if hooks else None

        async def execute() -> ToolResult:
            try:
                return await _run(repo, ctx, args, start, hooks)
            except ToolError as exc:
                return ToolResult.error(str(exc))

        return Invocation(title=title, execute=execute, mutates=True, diff=note)


async def _check_name(repo: GitRepo, name: str) -> None:
    out = await repo.git("check-ref-format", "--branch", name)
    if name.startswith("-") or not out.ok:
        raise ToolError(
            f"{name!r} is not a valid branch name (no spaces, '..', '~', '^', ':' or leading '-')."
        )


async def _start_point(repo: GitRepo, args: GitBranchArgs, exists: bool) -> str | None:
    if not args.create:
        if not exists:
            raise ToolError(f"there is no branch {args.name!r}; set create to true to create it.")
        return None
    if exists:
        raise ToolError(f"a branch {args.name!r} already exists; set create to false to switch to it.")
    if args.start_point:
        return await repo.verify_revision(args.start_point)
    head = await repo.head()
    if head is None and not args.switch:
        await repo.require_commits()  # an unborn branch can only be renamed by switching
    return head


async def _check_switchable(repo: GitRepo) -> None:
    doing = repo.operation_in_progress()
    if doing is not None:
        raise ToolError(
            f"{doing} is in progress; switching branches now would mix it up. Finish or abort it first "
            "(ask the user, or use bash)."
        )


async def _check_filters(repo: GitRepo, args: GitBranchArgs, start: str | None) -> None:
    """Files the switch rewrites must not need a filter driver vibe will not run (see GitRepo)."""
    head = await repo.head()
    target = start if args.create else f"refs/heads/{args.name}"
    if head is None or target is None:
        return
    names = await repo.checked("diff", "--name-only", "-z", "--no-renames", head, target)
    await repo.refuse_distrusted_filters([name for name in names.split("\0") if name], "Switching")


async def _run(
    repo: GitRepo, ctx: ToolContext, args: GitBranchArgs, start: str | None, hooks: HookPlan | None
) -> ToolResult:
    before = await repo.head()
    config = hooks.git_config if hooks else ()
    if args.create and args.switch:
        command = ["switch", "--no-guess", "--create", args.name, *([start] if start else [])]
    elif args.create:
        assert start is not None
        command = ["branch", "--no-track", "--end-of-options", args.name, start]
    else:
        command = ["switch", "--no-guess", "--end-of-options", args.name]
    out = await repo.git(*command, config=config)
    if not out.ok:
        text = out.error_text()
        if "would be overwritten" in text:
            raise ToolError(
                f"git refused to switch to {args.name}: uncommitted changes would be lost.\n{text}\n"
                "Commit them (git_commit) first, or ask the user."
            )
        raise ToolError(f"git {command[0]} failed: {text}")
    lines = [out.stdout.strip() or out.stderr.strip() or f"Done: {command[0]} {args.name}."]
    if hooks is not None:
        note = hooks.describe()
        if note:
            lines.append(note)
        if "post-checkout" in hooks.sandboxed:
            after = await repo.head() or ""
            run = await run_hook(hooks, "post-checkout", (before or "0" * 40, after, "1"), repo, ctx)
            lines.append(run.output)
    return ToolResult(output="\n".join(lines))

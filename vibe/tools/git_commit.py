"""The `git_commit` tool: stage what the model names, show exactly what the commit will hold,
and commit it after approval.

The preview is built in a copy of the index, so asking changes nothing in the user's repository.
After approval the same staging is done in the real index; if the result is not the tree that was
shown (a file changed in between), the index is put back and nothing is committed. Author,
committer and signing come from the user's git config; hooks run as `git_hooks` decides, never
skipped with --no-verify.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolError, ToolResult
from vibe.tools.git_hooks import COMMIT_HOOKS, HookPlan, HookRun, message_file, plan_hooks, run_hook
from vibe.tools.git_process import DIFF_SAFETY
from vibe.tools.git_repo import GitRepo, open_repo
from vibe.tools.output_cap import cap_text
from vibe.tools.workspace import OutsideWorkspaceError

MAX_PREVIEW_CHARS = 20_000
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


class GitCommitArgs(BaseModel):
    message: str
    paths: list[str] = Field(default_factory=list)
    all: bool = False


class GitCommitTool(Tool[GitCommitArgs]):
    name = "git_commit"
    args_model = GitCommitArgs
    kind = "other"
    read_only = False

    def __init__(self, co_author: str | None = None) -> None:
        # `[git] co_author`: a "Co-authored-by" trailer only when the user asked for one.
        self._co_author = co_author

    async def prepare(self, args: GitCommitArgs, ctx: ToolContext) -> Invocation | ToolResult:
        message = _with_trailer(args.message, self._co_author)
        if not args.message.strip():
            return ToolResult.error("message is empty; give the commit a message.")
        try:
            repo = await open_repo(ctx.workspace)
            branch = await _committable_branch(repo)
            specs = repo.pathspecs(args.paths)
            preview = await _preview(repo, specs, stage_tracked=args.all)
        except (ToolError, OutsideWorkspaceError) as exc:
            return ToolResult.error(str(exc))
        hooks = plan_hooks(repo, ctx, COMMIT_HOOKS)
        shown = _approval_text(branch, message, hooks, preview)

        async def execute() -> ToolResult:
            try:
                return await _commit(repo, ctx, specs, args.all, preview.tree, message, hooks)
            except ToolError as exc:
                return ToolResult.error(str(exc))

        summary = message.strip().splitlines()[0]
        return Invocation(title=f"Commit to {branch}: {summary}", execute=execute, mutates=True, diff=shown)


class _Preview:
    def __init__(self, tree: str, stat: str, patch: str) -> None:
        self.tree, self.stat, self.patch = tree, stat, patch


def _with_trailer(message: str, co_author: str | None) -> str:
    text = message.strip() + "\n"
    if co_author and f"Co-authored-by: {co_author}" not in text:
        text += f"\nCo-authored-by: {co_author}\n"
    return text


async def _committable_branch(repo: GitRepo) -> str:
    branch = await repo.branch()
    if branch is None:
        head = (await repo.head() or "")[:12]
        raise ToolError(
            f"HEAD is detached (at {head}): a commit here would belong to no branch and be easy to "
            "lose. Create a branch first with git_branch, then commit."
        )
    doing = repo.operation_in_progress()
    if doing is not None:
        raise ToolError(
            f"{doing} is in progress in this repository; git_commit does not conclude it. Tell the "
            "user, or finish it with bash (e.g. resolve conflicts, then `git merge --continue`)."
        )
    await _require_identity(repo)
    return branch


async def _require_identity(repo: GitRepo) -> None:
    """Committing needs a name and an email the user chose; git would otherwise guess from the host."""
    missing: list[str] = []
    for what, keys, variable in (
        ("name", ("user.name", "author.name"), "GIT_AUTHOR_NAME"),
        ("email", ("user.email", "author.email"), "GIT_AUTHOR_EMAIL"),
    ):
        from_config = any((entry := repo.setting(key)) is not None and entry.value.strip() for key in keys)
        from_env = bool(os.environ.get(variable) or (what == "email" and os.environ.get("EMAIL")))
        if not (from_config or from_env):
            missing.append(f"user.{what}")
    if missing:
        unset = " and ".join(missing)
        raise ToolError(
            f"git has no identity to commit as: {unset} is not set. Ask the user to set it "
            '(e.g. git config --global user.name "Their Name"); do not invent one.'
        )


async def _stage(repo: GitRepo, specs: list[str], stage_tracked: bool, env: dict[str, str] | None) -> str:
    """Stage into the index `env` names (the real one when None); the tree it now holds."""
    if stage_tracked:
        await repo.checked("add", "--update", "--", ":/", env=env)
    if specs:
        out = await repo.git("add", "--all", "--", *specs, env=env)
        if not out.ok:
            raise ToolError(f"could not stage {', '.join(specs)}: {out.error_text()}")
    return (await repo.checked("write-tree", env=env)).strip()


async def _preview(repo: GitRepo, specs: list[str], *, stage_tracked: bool) -> _Preview:
    """What the commit would hold, staged in a copy of the index; the objects this writes go to a
    scratch object folder that reads through to the repository's, so asking changes nothing."""
    with tempfile.TemporaryDirectory(prefix="vibe-git-index-") as scratch:
        index = Path(scratch) / "index"
        real = repo.git_dir / "index"
        if real.exists():
            shutil.copy2(real, index)  # with its mtime: git's check for racily clean files needs it
        objects = Path(scratch) / "objects"
        objects.mkdir()
        env = {
            "GIT_INDEX_FILE": str(index),
            "GIT_OBJECT_DIRECTORY": str(objects),
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": _quoted_path(repo.common_dir / "objects"),
        }
        tree = await _stage(repo, specs, stage_tracked, env)
        parent = await repo.head() or _EMPTY_TREE
        stat = await repo.checked("diff", "--cached", "--stat", *DIFF_SAFETY, parent, env=env)
        names = await repo.checked("diff", "--cached", "--name-only", "-z", parent, env=env)
        await repo.refuse_distrusted_filters([name for name in names.split("\0") if name], "Committing them")
        if not stat.strip():
            raise ToolError(
                "nothing to commit: nothing is staged. Name the files in paths, or set all to commit "
                "every change to tracked files (git_status shows what changed)."
            )
        out = await repo.git("diff", "--cached", *DIFF_SAFETY, parent, env=env, limit=MAX_PREVIEW_CHARS * 4)
    return _Preview(tree, stat, cap_text(out.stdout, MAX_PREVIEW_CHARS))


def _quoted_path(path: Path) -> str:
    """One entry of git's ":"-separated path list; a path with ":" or a quote is C-quoted."""
    text = str(path)
    if ":" not in text and not text.startswith('"'):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _approval_text(branch: str, message: str, hooks: HookPlan, preview: _Preview) -> str:
    quoted = "\n".join(f"    {line}".rstrip() for line in message.rstrip().splitlines())
    parts = [f"Commit to {branch} with the message:\n\n{quoted}\n"]
    note = hooks.describe()
    if note:
        parts.append(note + "\n")
    parts += [preview.stat, preview.patch]
    return "\n".join(parts)


async def _commit(
    repo: GitRepo,
    ctx: ToolContext,
    specs: list[str],
    stage_tracked: bool,
    shown_tree: str,
    message: str,
    hooks: HookPlan,
) -> ToolResult:
    index = repo.git_dir / "index"
    saved = _save_index(index)
    try:
        tree = await _stage(repo, specs, stage_tracked, None)
        if tree != shown_tree:
            raise ToolError(
                "the files changed after the commit was approved, so it would not hold what was shown; "
                "nothing was committed. Check git_status and call git_commit again."
            )
    except BaseException:  # that, a failed `git add`, or a cancelled call: the index as it was
        _restore_index(index, saved)
        raise
    finally:
        if saved is not None:
            saved.unlink(missing_ok=True)
    notes: list[str] = []
    msg_file = message_file(ctx, message)
    try:
        runs = await _hooks_before(repo, ctx, hooks, msg_file)
        notes += [run.output for run in runs]
        if runs and not runs[-1].ok:
            return _refused(runs[-1], notes, hooks)
        out = await repo.git("commit", "--quiet", f"--file={msg_file}", config=hooks.git_config)
    finally:
        msg_file.unlink(missing_ok=True)
    if not out.ok:
        return ToolResult.error(f"git commit failed; nothing was committed:\n{out.error_text()}")
    if "post-commit" in hooks.sandboxed:
        notes.append((await run_hook(hooks, "post-commit", (), repo, ctx)).output)
    summary = await repo.checked("log", "-1", "--format=%h %s", "--stat=80", *DIFF_SAFETY)
    lines = [f"Committed {summary.strip()}"]
    note = hooks.describe()
    if note:
        lines.append(note)
    lines += [note for note in notes if note]
    return ToolResult(output="\n".join(lines))


async def _hooks_before(repo: GitRepo, ctx: ToolContext, hooks: HookPlan, msg_file: Path) -> list[HookRun]:
    """pre-commit, prepare-commit-msg and commit-msg in the sandbox, stopping at the first failure."""
    arguments = {
        "pre-commit": (),
        "prepare-commit-msg": (str(msg_file), "message"),
        "commit-msg": (str(msg_file),),
    }
    runs: list[HookRun] = []
    for name in hooks.sandboxed:
        if name not in arguments:
            continue
        run = await run_hook(hooks, name, arguments[name], repo, ctx)
        runs.append(run)
        if not run.ok:
            break
    return runs


def _refused(run: HookRun, notes: list[str], hooks: HookPlan) -> ToolResult:
    detail = "\n".join(note for note in notes if note)
    return ToolResult.error(
        f"the {run.name} hook failed, so nothing was committed (the changes stay staged). "
        f"{hooks.describe()}\n{detail}"
    )


def _save_index(index: Path) -> Path | None:
    if not index.exists():
        return None
    # Outside .git: vibe leaves nothing of its own in the user's repository.
    handle, name = tempfile.mkstemp(prefix="vibe-git-index-")
    os.close(handle)
    shutil.copy2(index, name)
    return Path(name)


def _restore_index(index: Path, saved: Path | None) -> None:
    if saved is None:
        index.unlink(missing_ok=True)
    else:
        shutil.copy2(saved, index)

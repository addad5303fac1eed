"""Which git hooks a commit or a branch switch runs, and where they run.

Hooks are programs: whoever can write them chooses what runs. So:
- hooks in a folder outside every workspace root, named by the user's own config (or the
  default `hooks/` of a git directory that lies outside the workspace), run as git runs them;
- hooks the agent could have written or a repository could have shipped — a folder inside a
  workspace root (`.git/hooks` of the workspace's repository), or any folder named by the
  repository's own config — never run in vibe's process. vibe runs them itself, one by one, in
  the OS sandbox, the way git would (same order, arguments and message file); with no sandbox
  that confines commands they are not run at all, and the approval and the result say so.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from vibe.sandbox.process import run_process
from vibe.tools.base import ToolContext
from vibe.tools.git_repo import GitRepo

COMMIT_HOOKS = ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit")
SWITCH_HOOKS = ("post-checkout",)
_HOOK_OUTPUT_BYTES = 20_000
_DEFAULT_HOOK_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class HookRun:
    name: str
    ok: bool
    output: str


@dataclass(frozen=True, slots=True)
class HookPlan:
    folder: Path
    # Executable hooks of the kind asked for, in the order git runs them.
    present: tuple[str, ...]
    # True: vibe runs them in the sandbox (or not at all); False: git runs them itself.
    in_workspace: bool
    confined: bool
    why: str

    @property
    def git_config(self) -> tuple[tuple[str, str], ...]:
        """The hooks path git itself uses: the real folder only for hooks outside the workspace."""
        if self.in_workspace or not self.present:
            return ()  # SAFE_GIT_CONFIG's /dev/null stays: git runs no hook
        return (("core.hooksPath", str(self.folder)),)

    @property
    def sandboxed(self) -> tuple[str, ...]:
        return self.present if self.in_workspace and self.confined else ()

    @property
    def skipped(self) -> tuple[str, ...]:
        return self.present if self.in_workspace and not self.confined else ()

    def describe(self) -> str | None:
        """One sentence for the approval and the result; None when no hook applies."""
        if not self.present:
            return None
        names = ", ".join(self.present)
        if not self.in_workspace:
            return f"Hooks {names} (in {self.folder}, outside the workspace) run as git runs them."
        if self.confined:
            return f"Hooks {names} ({self.why}) run inside the sandbox, not as git would run them."
        return (
            f"Hooks {names} ({self.why}) are NOT run: no OS sandbox confines commands here, and vibe "
            "does not run hooks the workspace controls unconfined. Run them with bash if needed."
        )


def plan_hooks(repo: GitRepo, ctx: ToolContext, names: tuple[str, ...]) -> HookPlan:
    confined = ctx.sandbox.report.confined
    entry = repo.setting("core.hooksPath")
    if entry is not None and entry.value:
        folder = Path(entry.value).expanduser()
        folder = folder if folder.is_absolute() else repo.top / folder
        if not repo.owned_by_user(entry):
            why = f"named by core.hooksPath in {entry.origin.removeprefix('file:')}"
            return HookPlan(folder, _present(folder, names), True, confined, why)
    else:
        folder = repo.common_dir / "hooks"
    inside = repo.inside_workspace(folder)
    why = f"in {folder}, inside the workspace"
    return HookPlan(folder, _present(folder, names), inside, confined, why)


def _present(folder: Path, names: tuple[str, ...]) -> tuple[str, ...]:
    # As git: a hook that is not an executable file is ignored.
    return tuple(name for name in names if (folder / name).is_file() and os.access(folder / name, os.X_OK))


async def run_hook(
    plan: HookPlan, name: str, args: tuple[str, ...], repo: GitRepo, ctx: ToolContext
) -> HookRun:
    """One hook, confined by the sandbox, from the work tree's top folder as git runs it."""
    spec = ctx.sandbox.wrap([str(plan.folder / name), *args], repo.top)
    try:
        outcome = await run_process(
            spec,
            timeout=ctx.tool_timeout or _DEFAULT_HOOK_TIMEOUT,
            on_output=ctx.emit_output,
            cap_bytes=_HOOK_OUTPUT_BYTES,
        )
    except OSError as exc:
        return HookRun(name, False, f"could not start: {exc}")
    ok = outcome.exit_code == 0 and not outcome.timed_out
    status = "timed out" if outcome.timed_out else f"exit code {outcome.exit_code}"
    return HookRun(name, ok, f"{outcome.output.rstrip()}\n({name}: {status})".lstrip())


def message_file(ctx: ToolContext, message: str) -> Path:
    """A file holding the commit message where confined hooks may edit it (the sandbox's TMPDIR)."""
    folder = ctx.sandbox.report.tmpdir or tempfile.gettempdir()
    handle, name = tempfile.mkstemp(prefix="vibe-commit-msg-", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(message)
    return Path(name)

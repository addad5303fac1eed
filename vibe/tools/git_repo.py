"""The repository vibe's git tools work on, found from the workspace: its state, and the config
overrides that keep it from naming a program git runs (git runs in vibe's process, outside the
sandbox; `git_process` runs each command).

What keeps a planted config from running code (see `vibe.sandbox.git_safety`):
- SAFE_GIT_CONFIG on every command (no fsmonitor, pager or hooks; no bare repository by accident);
- `--no-ext-diff --no-textconv` on every command that shows a diff or a blame;
- keys that name a program (filter drivers, signing programs) are honoured only from config files
  outside the repository and outside every workspace root (the user's own); from anywhere else
  they are overridden with git's default, so `git add` or a signed commit runs nothing planted;
- hooks: see `git_hooks`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from vibe.tools.base import ToolError
from vibe.tools.git_process import DEFAULT_READ_LIMIT, GitOutput, run_git
from vibe.tools.workspace import Workspace

# Keys whose value is a program git may run during status, diff, add, commit, switch or log.
_PROGRAM_KEYS = re.compile(
    r"^(filter\..+\.(clean|smudge|process)|gpg\.program|gpg\.(openpgp|x509|ssh)\.program"
    r"|gpg\.ssh\.defaultkeycommand)$"
)
# What a program key is set to when its value cannot be trusted: git's own default.
_DEFAULT_PROGRAMS = {
    "gpg.program": "gpg",
    "gpg.openpgp.program": "gpg",
    "gpg.x509.program": "gpgsm",
    "gpg.ssh.program": "ssh-keygen",
}


@dataclass(frozen=True, slots=True)
class ConfigEntry:
    scope: str
    origin: str
    key: str
    value: str


@dataclass(frozen=True, slots=True)
class GitRepo:
    """A repository found from the workspace, with the overrides its config calls for."""

    top: Path  # the work tree's top folder
    git_dir: Path
    common_dir: Path
    cwd: Path
    workspace: Workspace
    # (key, value) overriding program keys from config files the user does not own.
    overrides: tuple[tuple[str, str], ...]
    entries: tuple[ConfigEntry, ...]
    # Filter drivers a planted config names and vibe will not run: driver → the file naming it.
    distrusted_filters: dict[str, str]

    async def git(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        config: tuple[tuple[str, str], ...] = (),
        limit: int = DEFAULT_READ_LIMIT,
        stdin: bytes | None = None,
    ) -> GitOutput:
        config = (*self.overrides, *config)
        return await run_git(list(args), self.cwd, config=config, env=env, limit=limit, stdin=stdin)

    async def checked(self, *args: str, env: dict[str, str] | None = None) -> str:
        """stdout of a git command that must succeed; its error as a ToolError otherwise."""
        out = await self.git(*args, env=env)
        if not out.ok:
            raise ToolError(f"git {args[0]} failed: {out.error_text()}")
        return out.stdout

    def owned_by_user(self, entry: ConfigEntry) -> bool:
        """Whether `entry` comes from the user's own config, not the repository or the workspace."""
        if entry.scope in ("local", "worktree"):
            return False
        if not entry.origin.startswith("file:"):
            return entry.scope == "command"  # -c or GIT_CONFIG_COUNT: the user's environment
        path = Path(os.path.realpath(self.cwd / entry.origin.removeprefix("file:")))
        return not (_inside(path, self.common_dir) or _inside_any(path, self.workspace.roots))

    async def refuse_distrusted_filters(self, names: list[str], action: str) -> None:
        """A ToolError when a file in `names` (relative to the top folder) uses a filter driver
        defined only by config the user does not own: that driver is not run (`overrides`), and
        writing the file without it could store a secret git-crypt would have encrypted."""
        drivers = self.distrusted_filters
        if not drivers or not names:
            return
        paths = "\0".join(self.from_cwd(name) for name in names) + "\0"
        out = await self.git("check-attr", "-z", "--stdin", "filter", stdin=paths.encode())
        fields = out.stdout.split("\0")
        used = [(fields[i], fields[i + 2]) for i in range(0, len(fields) - 2, 3) if fields[i + 2] in drivers]
        if used:
            files = ", ".join(path for path, _ in used[:10])
            driver = used[0][1]
            raise ToolError(
                f"these files use the filter driver {driver!r}: {files}. It is defined in "
                f"{drivers[driver]}, a program the repository's config names, which vibe does not run "
                f"outside the sandbox. {action} without it would store or write the files unfiltered, "
                "so nothing was done. Ask the user to do this themselves, or to define the driver in "
                "their own git config."
            )

    def setting(self, key: str) -> ConfigEntry | None:
        """The entry git uses for `key` (the last one read), or None."""
        found = [entry for entry in self.entries if entry.key.lower() == key.lower()]
        return found[-1] if found else None

    def inside_workspace(self, path: Path) -> bool:
        return _inside_any(Path(os.path.realpath(path)), self.workspace.roots)

    # -- state ----------------------------------------------------------------------------------

    async def branch(self) -> str | None:
        """The current branch, or None when HEAD is detached."""
        out = await self.git("symbolic-ref", "--quiet", "--short", "HEAD")
        return out.stdout.strip() if out.ok else None

    async def head(self) -> str | None:
        """The commit HEAD points at, or None in a repository with no commits yet."""
        out = await self.git("rev-parse", "--quiet", "--verify", "HEAD^{commit}")
        return out.stdout.strip() if out.ok else None

    def operation_in_progress(self) -> str | None:
        """A merge, rebase, cherry-pick, revert or bisect under way, as the model should read it."""
        markers = (
            ("MERGE_HEAD", "a merge"),
            ("rebase-merge", "a rebase"),
            ("rebase-apply", "a rebase or `git am`"),
            ("CHERRY_PICK_HEAD", "a cherry-pick"),
            ("REVERT_HEAD", "a revert"),
        )
        for name, what in markers:
            if (self.git_dir / name).exists():
                return what
        return None

    async def require_commits(self) -> str:
        head = await self.head()
        if head is None:
            branch = await self.branch() or "HEAD"
            raise ToolError(
                f"the repository has no commits yet (branch {branch} is unborn); there is no history "
                "to show. Commit something first (git_commit)."
            )
        return head

    async def verify_revision(self, revision: str) -> str:
        """The commit `revision` names; a ToolError the model can act on when it names none."""
        if not revision or revision.startswith("-") or "\n" in revision:
            raise ToolError(f"{revision!r} is not a revision: give a branch, tag or commit hash.")
        out = await self.git("rev-parse", "--quiet", "--verify", "--end-of-options", f"{revision}^{{commit}}")
        if not out.ok:
            await self.require_commits()
            raise ToolError(f"unknown revision {revision!r}: no branch, tag or commit by that name.")
        return out.stdout.strip()

    def pathspecs(self, paths: list[str]) -> list[str]:
        """Workspace paths as literal pathspecs relative to the repository's top folder."""
        specs: list[str] = []
        for raw in paths:
            resolved = self.workspace.resolve(raw)  # raises OutsideWorkspaceError
            if not _inside(resolved, self.top):
                raise ToolError(f"{raw} is outside the repository at {self.top}.")
            relative = resolved.relative_to(self.top).as_posix()
            specs.append(f":(top,literal){relative if relative != '.' else ''}")
        return specs

    def relative(self, raw: str) -> str:
        """One workspace path, relative to the repository's top folder (for `rev:path`)."""
        resolved = self.workspace.resolve(raw)
        if not _inside(resolved, self.top) or resolved == self.top:
            raise ToolError(f"{raw} is not a file inside the repository at {self.top}.")
        return resolved.relative_to(self.top).as_posix()

    def from_cwd(self, relative: str) -> str:
        """A path relative to the top folder, made relative to where git runs (for plain paths)."""
        return os.path.relpath(self.top / relative, self.cwd)


async def open_repo(workspace: Workspace) -> GitRepo:
    """The repository holding the workspace's working directory; ToolError when there is none."""
    cwd = workspace.cwd
    out = await run_git(
        ["rev-parse", "--path-format=absolute", "--show-toplevel", "--git-dir", "--git-common-dir"], cwd
    )
    if not out.ok:
        raise ToolError(_open_error(out, cwd))
    lines = out.stdout.splitlines()
    if len(lines) != 3:
        raise ToolError(f"{cwd} has no work tree (a bare repository?); the git tools need a checkout.")
    top, git_dir, common_dir = (Path(line).resolve() for line in lines)  # noqa: ASYNC240 - no I/O wait
    listed = await run_git(["config", "-z", "--show-origin", "--show-scope", "--list"], top, hardened=False)
    if not listed.ok:  # without the list, planted program keys could not be told apart
        raise ToolError(f"git cannot read the repository's config: {listed.error_text()}")
    entries = _parse_config(listed.stdout)
    unknowing = GitRepo(top, git_dir, common_dir, cwd, workspace, (), entries, {})
    overrides, distrusted = _overrides(unknowing)
    return GitRepo(top, git_dir, common_dir, cwd, workspace, overrides, entries, distrusted)


def _overrides(repo: GitRepo) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """For each program key set by config the user does not own: the user's own value for it if
    they set one (their git-lfs driver stays theirs), else git's default (for a filter: none).
    Also the filter drivers left with no program, with the file that named them."""
    trusted: dict[str, str] = {}
    planted: dict[str, str] = {}
    for entry in repo.entries:
        if not _PROGRAM_KEYS.match(entry.key.lower()):
            continue
        if repo.owned_by_user(entry):
            trusted[entry.key] = entry.value
        else:
            planted[entry.key] = entry.origin.removeprefix("file:")
    overrides: list[tuple[str, str]] = []
    distrusted: dict[str, str] = {}
    for key, origin in planted.items():
        value = trusted.get(key, _DEFAULT_PROGRAMS.get(key.lower(), ""))
        overrides.append((key, value))
        if key.lower().startswith("filter.") and not value:
            distrusted[key[len("filter.") : key.rfind(".")]] = origin
    return tuple(overrides), distrusted


def _open_error(out: GitOutput, cwd: Path) -> str:
    text = out.error_text()
    if "not a git repository" in text:
        return (
            f"{cwd} is not inside a git repository, so there is nothing for git tools to work on. "
            "If the user wants one, `git init` (with bash) creates it."
        )
    if "dubious ownership" in text:
        return (
            f'git refuses the repository at {cwd}: it belongs to another user ("dubious ownership"). '
            "Only the user can allow it, with git config --global --add safe.directory."
        )
    return f"git cannot open the repository at {cwd}: {text}"


def _parse_config(raw: str) -> tuple[ConfigEntry, ...]:
    fields = raw.split("\0")
    entries: list[ConfigEntry] = []
    for index in range(0, len(fields) - 2, 3):
        scope, origin, pair = fields[index : index + 3]
        key, _, value = pair.partition("\n")
        # The key as git printed it: a driver's name (the middle part) is case-sensitive.
        entries.append(ConfigEntry(scope, origin, key, value))
    return tuple(entries)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def _inside_any(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(_inside(path, folder) for folder in folders)

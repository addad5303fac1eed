"""Running git so that nothing planted in a repository's config runs: the settings every git
process vibe starts or confines gets, and the two ways to hand them over (environment, `-c`).

A repository's own config (`.git/config`, and a planted nested or bare repository's) can name
programs git runs on its own: `core.fsmonitor` on status/diff/add, hooks in `.git/hooks` or
`core.hooksPath`, a pager. Settings given on the command line or through `GIT_CONFIG_COUNT` are
git's "command" scope, read last, so they win over every config file; `safe.bareRepository` is
only honoured from there (or the user's own config), which is the point of it.

What these settings cannot reach, because the key names a driver the repository chooses:
`diff.external` (emptying it makes every `git diff` fail), `diff.<driver>.textconv` and
`.command`, `filter.<driver>.clean/smudge/process`, `merge.<driver>.driver`, and `include.path`.
Those are safe only while git's config files cannot be written: bubblewrap keeps `.git` read-only,
Landlock does not (see the sandbox report). A git tool vibe runs outside the sandbox must also
pass `--no-ext-diff --no-textconv` where the command takes them (see `UNSANDBOXED_DIFF_OPTIONS`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping

__all__ = ["SAFE_GIT_CONFIG", "UNSANDBOXED_DIFF_OPTIONS", "git_environment"]

# (key, value), applied in this order after any the user's environment already carries.
SAFE_GIT_CONFIG: tuple[tuple[str, str], ...] = (
    # A folder shaped like a bare repository (HEAD, objects/, refs/) is used only when named with
    # --git-dir or GIT_DIR, never just because a command runs inside it.
    ("safe.bareRepository", "explicit"),
    # fsmonitor names a program that status, diff and add run.
    ("core.fsmonitor", "false"),
    # No hook runs: not from .git/hooks, not from any folder a config names.
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
)
# GIT_PAGER wins over core.pager and over `pager.<command>` naming a program; a pager the user
# set in their own environment is theirs, not planted, so it is kept.
_PAGER_DEFAULTS = {"GIT_PAGER": "cat"}
# For diffs vibe's own git tools produce outside the sandbox: drivers a repository names.
UNSANDBOXED_DIFF_OPTIONS: tuple[str, ...] = ("--no-ext-diff", "--no-textconv")


def git_config_args() -> list[str]:
    """`-c key=value` pairs to put right after `git` on a command line vibe builds itself."""
    args: list[str] = []
    for key, value in SAFE_GIT_CONFIG:
        args += ["-c", f"{key}={value}"]
    return args


def harden_git_env(env: MutableMapping[str, str]) -> None:
    """Add SAFE_GIT_CONFIG to `env` as GIT_CONFIG_COUNT entries, after the ones already there.

    A count that is not a number would make every git command fail ("bogus count"); it cannot
    have come from the repository, so it is replaced rather than kept.
    """
    try:
        start = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        start = 0
    start = max(start, 0)
    for offset, (key, value) in enumerate(SAFE_GIT_CONFIG):
        env[f"GIT_CONFIG_KEY_{start + offset}"] = key
        env[f"GIT_CONFIG_VALUE_{start + offset}"] = value
    env["GIT_CONFIG_COUNT"] = str(start + len(SAFE_GIT_CONFIG))
    for key, value in _PAGER_DEFAULTS.items():
        env.setdefault(key, value)


def git_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of `base` (default: this process's environment) hardened for git: for a subprocess
    running git, or GitPython's `repo.git.update_environment(**git_environment())`."""
    env = dict(os.environ if base is None else base)
    harden_git_env(env)
    return env

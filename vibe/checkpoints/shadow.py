"""A workspace's shadow repository: the git database checkpoints live in, never the user's `.git`.

One shadow per workspace folder, under `$VIBE_HOME/checkpoints/<hash of the folder>/`. Every git
command gets its own GIT_DIR, GIT_INDEX_FILE and GIT_WORK_TREE, so the user's index, branches,
stash and reflog are never read or written. The index persists between snapshots: git then
re-reads only the files whose size or time changed, which is what makes a checkpoint of a big
tree cheap.

Nothing the workspace holds may make git run a program (the workspace is repository-controlled):
- SAFE_GIT_CONFIG on every command (no fsmonitor, hooks or pager);
- the workspace's own `.git/config` is never read (GIT_DIR is the shadow);
- `info/attributes` in the shadow outranks every `.gitattributes` in the tree and switches off
  filters, text and encoding conversion, so a planted `filter=x` names nothing and every file is
  stored byte for byte;
- diffs pass `--no-ext-diff --no-textconv`.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
from collections.abc import Generator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from vibe.sandbox.git_safety import git_environment

__all__ = ["CheckpointError", "ShadowRepo"]

# Later entries win over the user's own config: the shadow is vibe's, only its rules apply.
_SHADOW_CONFIG = (
    ("core.autocrlf", "false"),
    ("core.safecrlf", "false"),
    ("core.symlinks", "true"),
    ("core.filemode", "true"),
    ("core.quotePath", "false"),
    ("core.untrackedCache", "true"),
    ("core.splitIndex", "false"),
    ("core.looseCompression", "0"),
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    ("submodule.recurse", "false"),
    ("diff.ignoreSubmodules", "all"),
    ("status.showUntrackedFiles", "all"),
    ("color.ui", "false"),
    ("commit.gpgSign", "false"),
)
# Highest precedence of all attribute sources: no filter, no conversion, whatever the tree says.
_ATTRIBUTES = "* -filter -text -ident -working-tree-encoding !eol !diff !merge\n"
# Variables a user's shell may carry that would point git at another repository or index.
_DROPPED_PREFIXES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX", "GIT_OBJECT", "GIT_ALTERNATE", "GIT_COMMON")
_DROPPED = (
    "GIT_NAMESPACE",
    "GIT_PREFIX",
    "GIT_LITERAL_PATHSPECS",
    "GIT_GLOB_PATHSPECS",
    "GIT_ICASE_PATHSPECS",
)
_IDENTITY = {
    "GIT_AUTHOR_NAME": "vibe",
    "GIT_AUTHOR_EMAIL": "vibe@localhost",
    "GIT_COMMITTER_NAME": "vibe",
    "GIT_COMMITTER_EMAIL": "vibe@localhost",
}


class CheckpointError(Exception):
    """A checkpoint could not be made, read or restored; the message says why, in one sentence."""


def _without_repository(env: dict[str, str]) -> dict[str, str]:
    repository = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")
    return {key: value for key, value in env.items() if key not in repository}


def shadow_dir(home: Path, workspace: Path) -> Path:
    """Where `workspace`'s checkpoints are kept: one folder per real path."""
    real = os.path.realpath(workspace)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:20]
    return home / "checkpoints" / digest


class ShadowRepo:
    """The git command line on a shadow repository whose work tree is the workspace."""

    def __init__(self, git_dir: Path, workspace: Path) -> None:
        self.git_dir = git_dir
        self.workspace = Path(os.path.realpath(workspace))
        self._env = self._environment()

    @classmethod
    def for_workspace(cls, home: Path, workspace: Path) -> ShadowRepo:
        return cls(shadow_dir(home, workspace), workspace)

    def _environment(self) -> dict[str, str]:
        base = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(_DROPPED_PREFIXES) and key not in _DROPPED
        }
        env = git_environment(base)
        start = int(env["GIT_CONFIG_COUNT"])
        for offset, (key, value) in enumerate(_SHADOW_CONFIG):
            env[f"GIT_CONFIG_KEY_{start + offset}"] = key
            env[f"GIT_CONFIG_VALUE_{start + offset}"] = value
        env["GIT_CONFIG_COUNT"] = str(start + len(_SHADOW_CONFIG))
        env.update(_IDENTITY)
        env.update(
            GIT_DIR=str(self.git_dir),
            GIT_WORK_TREE=str(self.workspace),
            GIT_INDEX_FILE=str(self.git_dir / "index"),
            GIT_TERMINAL_PROMPT="0",
            GIT_PAGER="cat",
        )
        return env

    @property
    def exists(self) -> bool:
        return (self.git_dir / "HEAD").is_file()

    def ensure(self) -> None:
        """Make the shadow repository if it is not there yet."""
        if self.exists:
            return
        self.git_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        init = subprocess.run(
            ["git", "init", "--bare", "-q", str(self.git_dir)],
            env={**_without_repository(self._env), "GIT_TEMPLATE_DIR": ""},
            capture_output=True,
            check=False,
        )
        if init.returncode != 0:
            reason = init.stderr.decode(errors="replace").strip()
            raise CheckpointError(f"could not make the checkpoint store: {reason}")
        info = self.git_dir / "info"
        info.mkdir(exist_ok=True)
        (info / "attributes").write_text(_ATTRIBUTES, encoding="ascii")
        # Says whose store this is, for someone looking through $VIBE_HOME.
        marker = self.git_dir / "workspace"
        marker.write_text(str(self.workspace), encoding="utf-8", errors="surrogateescape")

    @contextmanager
    def locked(self) -> Generator[None]:
        """One vibe process at a time changes the shadow's index and refs."""
        self.ensure()
        fd = os.open(self.git_dir / "vibe.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def run(self, *args: str, stdin: bytes | None = None, check: bool = True, nice: bool = False) -> bytes:
        """stdout of `git <args>` in the workspace; a CheckpointError when it fails and `check`.
        `nice`: at a lower CPU priority (background work nobody waits for)."""
        prefix = _nice_prefix() if nice else []
        try:
            done = subprocess.run(
                [*prefix, "git", "--no-pager", *args],
                cwd=self.workspace,
                env=self._env,
                input=stdin,
                stdin=None if stdin is not None else subprocess.DEVNULL,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise CheckpointError("git is not installed (no `git` on PATH); checkpoints need it") from None
        if check and done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()[:500]
            raise CheckpointError(f"git {args[0]} failed: {message or f'exit code {done.returncode}'}")
        return done.stdout

    def update_index(self, options: Sequence[str], paths: Sequence[str], *, nice: bool = False) -> None:
        """`git update-index <options>` for exactly `paths`, NUL-separated (a name may hold a
        newline); nothing is walked."""
        if not paths:
            return
        payload = b"".join(os.fsencode(path) + b"\0" for path in paths)
        self.run("update-index", *options, "-z", "--stdin", stdin=payload, nice=nice)

    def disk_usage(self) -> int:
        total = 0
        for folder, _, files in os.walk(self.git_dir):
            for name in files:
                with suppress(OSError):
                    total += (Path(folder) / name).lstat().st_size
        return total


@functools.cache
def _nice_prefix() -> list[str]:
    found = shutil.which("nice")
    return [found, "-n", "10"] if found else []

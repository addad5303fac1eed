"""The sandbox interface: what a policy asks for, how a command becomes a confined spawn, and an
exact report of what the backend in force really enforces (never more than it does)."""

from __future__ import annotations

import functools
import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from vibe.config.paths import cache_dir
from vibe.config.secrets import scrubbed_environment
from vibe.config.settings import SandboxMode
from vibe.sandbox.git_safety import harden_git_env
from vibe.sandbox.metadata_guard import MetadataGuard

__all__ = ["Sandbox", "SandboxPolicy", "SandboxReport", "SandboxUnavailableError", "SpawnSpec"]

# Stay read-only even inside a writable root. All of `.git`, not just hooks and config: git reads
# code to run from many places in it (commondir, config.worktree, modules/*/config, info/) and a
# renamed `.git` would shed per-file mounts; whatever git runs later runs outside the sandbox.
# `.vibe/` holds vibe's own config and approval rules.
DEFAULT_PROTECTED: tuple[str, ...] = (".git", ".vibe")

# Every process a wrapped command starts inherits this variable; processes still carrying it after
# the command ended are strays to kill (see vibe/sandbox/reaper.py).
RUN_MARKER_ENV = "VIBE_SANDBOX_RUN"


class SandboxUnavailableError(Exception):
    """`require` was asked for and no backend works here; the message is one clear sentence."""


@dataclass(frozen=True, slots=True)
class SandboxPolicy:
    mode: SandboxMode = "workspace-write"
    # The workspace roots; writable only in workspace-write mode.
    writable_roots: tuple[Path, ...] = ()
    network: bool = False
    # Relative to each writable root.
    protected: tuple[str, ...] = DEFAULT_PROTECTED
    # Finds .git/.vibe/git directories at any depth and neutralises those a command creates;
    # one per workspace, shared by every sandbox built from this policy (plan mode's too).
    guard: MetadataGuard | None = field(default=None, compare=False, repr=False)
    # The environment confined processes get: secrets and escape routes withheld except these
    # (names or globs); `secret_names` adds variables known to hold keys.
    env_passthrough: tuple[str, ...] = ()
    secret_names: tuple[str, ...] = ()

    def effective_writable_roots(self) -> tuple[Path, ...]:
        """Existing, symlink-resolved roots that commands may write to under this mode."""
        if self.mode != "workspace-write":
            return ()
        roots: list[Path] = []
        for root in self.writable_roots:
            real = Path(os.path.realpath(root))
            if real.is_dir() and real not in roots:
                roots.append(real)
        return tuple(roots)


@dataclass(frozen=True, slots=True)
class SandboxReport:
    backend: str  # "bubblewrap", "landlock" or "none"
    confined: bool
    # One honest sentence about what is enforced; shown to users and to the model.
    summary: str
    mode: SandboxMode = "workspace-write"
    # Whether confined commands can use the network (True whenever nothing confines them).
    network: bool = True
    writable_roots: tuple[str, ...] = ()
    # Paths that stay read-only inside writable roots (empty when the backend cannot do that).
    protected: tuple[str, ...] = ()
    # Exact claims, one per line, for `vibe sandbox --status` and the session-started event.
    enforced: tuple[str, ...] = ()
    not_enforced: tuple[str, ...] = ()
    # Set when the sandbox asked for could not be had (prefer fell back); users must see it.
    warning: str | None = None
    # The private TMPDIR of confined commands, if any.
    tmpdir: str | None = None
    # What the start-up probe found, one line per backend tried.
    probed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form, for events and the audit log."""
        return {
            "backend": self.backend,
            "confined": self.confined,
            "summary": self.summary,
            "mode": self.mode,
            "network": self.network,
            "writable_roots": list(self.writable_roots),
            "protected": list(self.protected),
            "enforced": list(self.enforced),
            "not_enforced": list(self.not_enforced),
            "warning": self.warning,
            "tmpdir": self.tmpdir,
        }


@dataclass(frozen=True, slots=True)
class SpawnSpec:
    argv: list[str]
    cwd: Path
    env: Mapping[str, str] | None = None
    # Runs in the child between fork and exec (e.g. to apply Landlock rules).
    preexec: Callable[[], None] | None = None
    # Value of RUN_MARKER_ENV in `env`: processes still carrying it once the command has ended
    # are killed by whoever ran the spec (run_process, run_sandboxed).
    run_marker: str | None = None
    # Whoever runs the spec calls this exactly once, after the command and its strays ended (or
    # when it could not start): it neutralises metadata the command planted (MetadataGuard.end)
    # and returns notes to show with the command's output.
    finished: Callable[[], tuple[str, ...]] | None = None
    # Where a supervisor (supervise.py) notes that it stopped background processes.
    report: Path | None = None


def guarded(policy: SandboxPolicy) -> Callable[[], tuple[str, ...]] | None:
    """Call in `wrap`, before building the command: brings the policy's guard up to date and
    returns the spec's `finished`."""
    guard = policy.guard
    if guard is None or not guard.enabled:
        return None
    guard.begin()
    return guard.end


class Sandbox(Protocol):
    @property
    def report(self) -> SandboxReport: ...

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec: ...


def marked_env(policy: SandboxPolicy, extra: Mapping[str, str] | None = None) -> tuple[dict[str, str], str]:
    """The current environment, scrubbed of secrets and escape routes (vibe.config.secrets),
    plus `extra` and a fresh run marker; returns (env, marker)."""
    marker = uuid.uuid4().hex
    env = scrubbed_environment(os.environ, policy.env_passthrough, policy.secret_names)
    if extra:
        env.update(extra)
    env[RUN_MARKER_ENV] = marker
    return env, marker


# What the guard enforces on every backend (and unconfined, when the sandbox fell back).
NEW_METADATA_RENAMED = (
    "a .git, .vibe or git directory (bare repository) a command creates in the workspace is renamed "
    "aside when the command ends, so git and vibe never use it"
)
NEW_METADATA_WINDOW = (
    "while a command runs, a .git, .vibe or git directory it creates exists until the command ends: "
    "a program outside vibe looking for repositories at that moment (an editor) could use it"
)

# Without a PID namespace, a supervisor (supervise.py) adopts and ends whatever the command leaves.
STRAYS_KILLED = (
    "background processes a command leaves (setsid, nohup, double forks, env -i) are killed when it "
    "ends, and when vibe dies: a supervisor adopts them"
)
# The same on every backend (marked_env).
ENVIRONMENT_SCRUBBED = (
    "commands get no secrets from vibe's environment (keys, tokens, passwords) and none of the "
    "variables that lead to a socket outside (SSH_AUTH_SOCK, DISPLAY, DOCKER_HOST, ...)"
)
SUPERVISOR = Path(__file__).with_name("supervise.py")


# The interpreter vibe runs, by the kernel's own link to it: `sys.executable` may be a venv
# link whose target the current user could not reach by name (a root-owned pyenv run as another
# user), while the running binary is always executable through /proc. The child that execs it
# is a fork of this process, so "self" is the same binary. The supervisor needs only the stdlib.
_PYTHON = "/proc/self/exe" if Path("/proc/self/exe").exists() else sys.executable


@functools.cache
def _supervisor_program() -> str:
    """A compiled copy of supervise.py in vibe's cache, made once: a script given by path is
    compiled again on every run (~1 ms per command). The source itself when the cache cannot be
    written. Keyed on the interpreter and the source, so an upgrade never runs a stale copy."""
    import importlib.util
    import py_compile

    source = SUPERVISOR.stat()
    key = f"{importlib.util.MAGIC_NUMBER.hex()}-{source.st_size}-{source.st_mtime_ns}"
    target = cache_dir() / f"supervise-{key}.pyc"
    try:
        if target.is_file():
            return str(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        py_compile.compile(str(SUPERVISOR), cfile=str(target), doraise=True)
    except (OSError, py_compile.PyCompileError):
        return str(SUPERVISOR)
    return str(target)


def supervised(argv: Sequence[str], report: Path, *, scope_signals: bool = False) -> list[str]:
    """`argv` run under the supervisor (see supervise.py), in a fresh interpreter without site."""
    scope = ["--scope-signals"] if scope_signals else []
    return [_PYTHON, "-I", "-S", _supervisor_program(), "--report", str(report), *scope, "--", *argv]


SUPERVISOR_KILLABLE = (
    "a command can kill its supervisor (nothing confines its signals), and what it started "
    "then can outlive it"
)
_UNCONFINED_NOT_ENFORCED = (
    "no confinement: commands can write, read and connect wherever your user can",
    SUPERVISOR_KILLABLE,
)


class NoSandbox:
    """No confinement. Honest about it: the report says commands run with full user rights.

    Still marks each run so that background processes it leaves behind are killed.
    """

    def __init__(
        self,
        *,
        mode: SandboxMode = "workspace-write",
        reason: str | None = None,
        warning: str | None = None,
        probed: tuple[str, ...] = (),
        policy: SandboxPolicy | None = None,
    ) -> None:
        summary = "no OS sandbox: commands run with your user's full permissions"
        if reason:
            summary = f"{summary} ({reason})"
        # Only when the sandbox fell back: `off` and full-access are the user's explicit choice.
        self._policy = policy or SandboxPolicy(mode=mode)
        guard = self._policy.guard
        watched = guard is not None and guard.enabled
        self._report = SandboxReport(
            backend="none",
            confined=False,
            summary=summary,
            mode=mode,
            network=True,
            enforced=(STRAYS_KILLED, ENVIRONMENT_SCRUBBED, *((NEW_METADATA_RENAMED,) if watched else ())),
            not_enforced=(*_UNCONFINED_NOT_ENFORCED, *((NEW_METADATA_WINDOW,) if watched else ())),
            warning=warning,
            probed=probed,
        )

    @property
    def report(self) -> SandboxReport:
        return self._report

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        finished = guarded(self._policy)
        env, marker = marked_env(self._policy)
        harden_git_env(env)
        report = Path(tempfile.gettempdir()) / f"vibe-supervisor-{marker}"
        return SpawnSpec(
            argv=supervised(argv, report),
            cwd=cwd,
            env=env,
            run_marker=marker,
            finished=finished,
            report=report,
        )

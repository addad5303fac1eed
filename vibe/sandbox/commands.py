"""What `vibe sandbox` does: run one command under the same confinement as the agent's commands
(for users to debug), and describe the sandbox in force (`vibe sandbox --status`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from vibe.config.settings import SandboxPreference
from vibe.sandbox.base import SandboxPolicy, SandboxReport, SandboxUnavailableError
from vibe.sandbox.probe import Backend, create_sandbox
from vibe.sandbox.process import finish_spec
from vibe.sandbox.reaper import kill_marked
from vibe.unicode_text import for_terminal

__all__ = ["run_sandboxed", "status_text"]

# Shell conventions: found but cannot run / not found.
EXIT_CANNOT_RUN = 126
EXIT_NOT_FOUND = 127


def run_sandboxed(
    argv: list[str],
    cwd: Path,
    policy: SandboxPolicy,
    use: SandboxPreference,
    *,
    stderr: TextIO | None = None,
    backends: Sequence[Backend] | None = None,
) -> int:
    """Run `argv` confined by `policy`, with this process's stdin/stdout/stderr; its exit code.

    126 when it cannot run (no sandbox under `require`, not executable), 127 when not found,
    128+N when killed by signal N. Errors are one line on stderr, prefixed "vibe sandbox:".
    """
    err = stderr or sys.stderr
    if not argv:
        print("vibe sandbox: no command given (usage: vibe sandbox [--mode MODE] -- COMMAND ...)", file=err)
        return EXIT_CANNOT_RUN
    program = _resolve(argv[0], cwd)
    if program is None:
        print(for_terminal(f"vibe sandbox: command not found: {argv[0]}"), file=err)
        return EXIT_NOT_FOUND
    if not os.access(program, os.X_OK) or program.is_dir():
        print(for_terminal(f"vibe sandbox: cannot run {argv[0]}: not an executable file"), file=err)
        return EXIT_CANNOT_RUN
    try:
        sandbox = create_sandbox(policy, use, backends=backends)
    except SandboxUnavailableError as exc:
        print(for_terminal(f"vibe sandbox: {exc}"), file=err)
        return EXIT_CANNOT_RUN
    if sandbox.report.warning:
        print(for_terminal(f"vibe sandbox: warning: {sandbox.report.warning}"), file=err)
    spec = sandbox.wrap([str(program), *argv[1:]], cwd)
    # The terminal's Ctrl-C reaches the command; we stay to clean up after it.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = subprocess.Popen(
            spec.argv,
            cwd=spec.cwd,
            env=dict(spec.env) if spec.env is not None else None,
            preexec_fn=_default_sigint(spec.preexec),
        )
        returncode = process.wait()
    except OSError as exc:
        print(for_terminal(f"vibe sandbox: cannot run {argv[0]}: {exc.strerror or exc}"), file=err)
        return EXIT_CANNOT_RUN
    finally:
        signal.signal(signal.SIGINT, previous)
        if spec.run_marker:
            kill_marked(spec.run_marker)
        for note in finish_spec(spec):
            print(for_terminal(f"vibe sandbox: {note}"), file=err)
    return returncode if returncode >= 0 else 128 - returncode


def _resolve(program: str, cwd: Path) -> Path | None:
    if "/" in program:
        path = Path(program) if Path(program).is_absolute() else cwd / program
        return path if path.exists() else None
    found = shutil.which(program)
    return Path(found) if found else None


def _default_sigint(preexec: Callable[[], None] | None) -> Callable[[], None]:
    def child() -> None:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if preexec is not None:
            preexec()

    return child


def status_text(report: SandboxReport) -> str:
    """Multi-line, human description of the sandbox in force, for `vibe sandbox --status`."""
    state = "confined" if report.confined else "NOT confined"
    lines = [
        f"Sandbox: {report.backend} ({state})",
        f"Mode: {report.mode}; network: {'allowed' if report.network else 'off'}",
        f"Summary: {report.summary}",
    ]
    if report.writable_roots:
        lines.append("Writable: " + ", ".join(report.writable_roots))
    if report.protected:
        lines.append("Read-only inside writable roots: " + ", ".join(report.protected))
    if report.enforced:
        lines.append("Enforced:")
        lines += [f"  - {item}" for item in report.enforced]
    if report.not_enforced:
        lines.append("Not enforced:")
        lines += [f"  - {item}" for item in report.not_enforced]
    if report.probed:
        lines.append("Probe: " + "; ".join(report.probed))
    if report.warning:
        lines.append(f"Warning: {report.warning}")
    return "\n".join(lines)

"""A protected path that does not exist (`.vibe/` in most repositories) gets an empty read-only
folder mounted on it, whose mount point exists on disk only while a command runs. Commands
overlap (an MCP server runs for the whole conversation while the bash tool probes and runs):
when one that made the mount point ends, removing it must not strip the protection from the
others, in whose namespaces the kernel would detach the mount."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sandbox.conftest import build
from vibe.sandbox.base import SandboxPolicy, SpawnSpec

# Says it is set up, then on each input line tries to create a file in .vibe/ and says how it went.
WRITER = (
    "echo ready; while read -r _; do mkdir -p .vibe 2>/dev/null; "
    "touch .vibe/x 2>/dev/null && echo wrote || echo refused; done"
)


def start(spec: SpawnSpec) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        spec.argv,
        cwd=spec.cwd,
        env=dict(spec.env) if spec.env is not None else None,
        preexec_fn=spec.preexec,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


def attempt(process: subprocess.Popen[str]) -> str:
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("go\n")
    process.stdin.flush()
    return process.stdout.readline().strip()


def end(process: subprocess.Popen[str], spec: SpawnSpec) -> None:
    assert process.stdin is not None
    process.stdin.close()
    process.wait(timeout=10)
    if spec.finished is not None:
        spec.finished()


def test_a_command_ending_keeps_the_mount_point_another_one_still_stands_on(workspace: Path) -> None:
    sandbox = build("bubblewrap", SandboxPolicy(writable_roots=(workspace,)))
    if sandbox.report.backend != "bubblewrap":
        pytest.skip("bubblewrap does not work here")
    assert not (workspace / ".vibe").exists()
    short_spec = sandbox.wrap(["/bin/sh", "-c", WRITER], workspace)
    short = start(short_spec)  # made the mount point for the missing .vibe
    long_spec = sandbox.wrap(["/bin/sh", "-c", WRITER], workspace)
    long = start(long_spec)  # found it there, standing on the same mount point
    try:
        end(short, short_spec)
        assert (workspace / ".vibe").is_dir(), "removed while another command stands on it"
        assert attempt(long) == "refused"
    finally:
        end(long, long_spec)
    assert not (workspace / ".vibe").exists(), "left behind once no command stands on it"


def test_a_mount_point_found_while_another_command_ends_is_still_there_to_bind(
    workspace: Path,
) -> None:
    """Commands are wrapped in several threads (an MCP server spawned while the bash tool's
    sandbox is probed). One that finds the mount point another made must stand on it in the
    same step: were that command to end in between, the mount point would be removed and the
    new command's bwrap would fail ("Can't find source path .vibe")."""
    sandbox = build("bubblewrap", SandboxPolicy(writable_roots=(workspace,)))
    if sandbox.report.backend != "bubblewrap":
        pytest.skip("bubblewrap does not work here")
    mount_point = workspace / ".vibe"
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can: the race shows
    stop = threading.Event()

    def churn() -> None:  # commands that make the mount point and end, over and over
        while not stop.is_set():
            spec = sandbox.wrap(["/bin/true"], workspace)
            mount_point.mkdir(exist_ok=True)  # as bwrap does for the missing path
            assert spec.finished is not None
            spec.finished()

    lost = 0
    other = threading.Thread(target=churn)
    other.start()
    try:
        for _ in range(3000):
            spec = sandbox.wrap(["/bin/true"], workspace)
            if _binds_from_disk(spec, mount_point) and not mount_point.is_dir():
                lost += 1
            if spec.finished is not None:
                spec.finished()
    finally:
        stop.set()
        other.join()
        sys.setswitchinterval(interval)
    assert lost == 0, f"{lost} commands were given a mount point removed before they ran"


def _binds_from_disk(spec: SpawnSpec, path: Path) -> bool:
    """Whether the command binds `path` onto itself (it existed), not an empty folder over it."""
    argv = list(spec.argv)
    return any(argv[i : i + 3] == ["--ro-bind", str(path), str(path)] for i in range(len(argv) - 2))

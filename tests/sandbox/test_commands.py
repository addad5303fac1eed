"""`vibe sandbox -- COMMAND` and `vibe sandbox --status`, with real processes."""

from __future__ import annotations

import io
from pathlib import Path

from vibe.sandbox.base import SandboxPolicy
from vibe.sandbox.commands import run_sandboxed, status_text
from vibe.sandbox.probe import Backend, BackendUnavailableError, create_sandbox


def policy(workspace: Path, **fields: object) -> SandboxPolicy:
    return SandboxPolicy(writable_roots=(workspace,), **fields)  # type: ignore[arg-type]


def test_exit_code_and_confinement(workspace: Path) -> None:
    err = io.StringIO()
    code = run_sandboxed(
        ["sh", "-c", "echo ok > f; touch ../outside/g; exit 3"],
        workspace,
        policy(workspace),
        "require",
        stderr=err,
    )
    assert code == 3
    assert (workspace / "f").exists()
    assert not (workspace.parent / "outside" / "g").exists()


def test_not_found_and_not_executable(workspace: Path) -> None:
    err = io.StringIO()
    assert run_sandboxed(["no-such-command-xyz"], workspace, policy(workspace), "prefer", stderr=err) == 127
    assert err.getvalue() == "vibe sandbox: command not found: no-such-command-xyz\n"
    (workspace / "script").write_text("#!/bin/sh\n")
    assert run_sandboxed(["./script"], workspace, policy(workspace), "prefer", stderr=err) == 126


def test_signal_becomes_128_plus_n(workspace: Path) -> None:
    assert run_sandboxed(["sh", "-c", "kill -9 $$"], workspace, policy(workspace), "off") == 137


def test_require_without_sandbox_cannot_run(workspace: Path) -> None:
    def missing(_policy: SandboxPolicy) -> object:
        raise BackendUnavailableError("not installed")

    err = io.StringIO()
    code = run_sandboxed(
        ["true"],
        workspace,
        policy(workspace),
        "require",
        stderr=err,
        backends=[Backend("bubblewrap", missing)],  # type: ignore[list-item]
    )
    assert code == 126
    assert err.getvalue().startswith("vibe sandbox: --sandbox require: no working sandbox")


def test_status_text_states_claims_and_gaps(workspace: Path) -> None:
    text = status_text(create_sandbox(policy(workspace), "prefer").report)
    lines = text.splitlines()
    assert lines[0] == "Sandbox: bubblewrap (confined)"
    assert lines[1] == "Mode: workspace-write; network: off"
    assert f"Read-only inside writable roots: {workspace}/.git, {workspace}/.vibe" in text
    assert (
        "Not enforced:" in lines
        and "  - reads are not restricted: commands can read every file your user can" in lines
    )

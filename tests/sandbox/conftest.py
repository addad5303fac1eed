"""Fixtures for sandbox tests: a real workspace, and every backend that works on this machine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from vibe.sandbox.base import NoSandbox, Sandbox, SandboxPolicy
from vibe.sandbox.probe import BackendUnavailableError, default_backends, probe_backend
from vibe.sandbox.process import ProcessOutcome, run_process

BACKENDS = [backend.name for backend in default_backends()]
MakeSandbox = Callable[..., Sandbox]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace with git's hooks and config, as in a real repository."""
    root = tmp_path / "ws"
    (root / ".git" / "hooks").mkdir(parents=True)
    (root / ".git" / "config").write_text("[core]\n")
    (tmp_path / "outside").mkdir()
    return root


def build(name: str, policy: SandboxPolicy) -> Sandbox:
    if name == "none":
        return NoSandbox()
    backend = next(b for b in default_backends() if b.name == name)
    try:
        return probe_backend(backend, policy)
    except BackendUnavailableError as exc:
        pytest.skip(f"{name} does not work on this machine: {exc}")


@pytest.fixture
def make_sandbox(workspace: Path) -> MakeSandbox:
    def make(name: str, **policy: object) -> Sandbox:
        fields: dict[str, object] = {"writable_roots": (workspace,), **policy}
        return build(name, SandboxPolicy(**fields))  # type: ignore[arg-type]

    return make


async def run(sandbox: Sandbox, command: str, cwd: Path) -> ProcessOutcome:
    spec = sandbox.wrap(["/bin/bash", "-c", command], cwd)
    return await run_process(spec, timeout=30, on_output=None, cap_bytes=30_000)

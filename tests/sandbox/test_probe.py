"""Choosing a backend at start-up, and the explicit fallbacks when none works."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from sandbox.conftest import run
from vibe.sandbox.base import SandboxPolicy, SandboxReport, SandboxUnavailableError, SpawnSpec
from vibe.sandbox.probe import Backend, BackendUnavailableError, create_sandbox


def missing(policy: SandboxPolicy) -> BrokenSandbox:
    raise BackendUnavailableError("not installed")


class BrokenSandbox:
    """Builds fine but cannot run anything, like a bwrap refused by the kernel."""

    def __init__(self, policy: SandboxPolicy) -> None:
        self._report = SandboxReport(backend="broken", confined=True, summary="never works")

    @property
    def report(self) -> SandboxReport:
        return self._report

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        return SpawnSpec(
            argv=["/bin/sh", "-c", "echo 'broken: cannot set up namespaces' >&2; exit 1"], cwd=cwd
        )


NO_BACKEND = [Backend("bubblewrap", missing), Backend("landlock", BrokenSandbox)]


def policy(workspace: Path, **fields: object) -> SandboxPolicy:
    return SandboxPolicy(writable_roots=(workspace,), **fields)  # type: ignore[arg-type]


def test_strongest_working_backend_is_chosen(workspace: Path) -> None:
    sandbox = create_sandbox(policy(workspace), "prefer")
    assert sandbox.report.backend == "bubblewrap"
    assert sandbox.report.confined
    assert sandbox.report.warning is None
    assert sandbox.report.probed == ("bubblewrap: works",)


async def test_falls_through_to_the_next_backend(workspace: Path) -> None:
    backends = [Backend("broken", BrokenSandbox), Backend("none-installed", missing), *_real("landlock")]
    sandbox = create_sandbox(policy(workspace), "require", backends=backends)
    assert sandbox.report.backend == "landlock"
    assert sandbox.report.probed == (
        "broken: test command failed: broken: cannot set up namespaces",
        "none-installed: not installed",
        "landlock: works",
    )
    outcome = await run(sandbox, "echo x > ../outside/f", workspace)
    assert outcome.exit_code != 0


def _real(name: str) -> list[Backend]:
    from vibe.sandbox.probe import default_backends

    return [b for b in default_backends() if b.name == name]


async def test_prefer_falls_back_with_a_visible_warning(workspace: Path) -> None:
    sandbox = create_sandbox(policy(workspace), "prefer", backends=NO_BACKEND)
    report = sandbox.report
    assert report.backend == "none" and not report.confined
    assert report.warning is not None
    assert "no working sandbox" in report.warning and "every command will need approval" in report.warning
    assert "bubblewrap: not installed" in report.warning
    assert "full permissions" in report.summary
    outcome = await run(sandbox, "echo x > ../outside/f", workspace)
    assert outcome.exit_code == 0  # truly unconfined, as reported


def test_require_refuses_with_one_sentence(workspace: Path) -> None:
    with pytest.raises(SandboxUnavailableError) as raised:
        create_sandbox(policy(workspace), "require", backends=NO_BACKEND)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(
        "--sandbox require: no working sandbox on this machine (bubblewrap: not installed;"
    )


def test_off_is_the_users_choice_and_probes_nothing(workspace: Path) -> None:
    sandbox = create_sandbox(policy(workspace), "off", backends=NO_BACKEND)
    assert not sandbox.report.confined
    assert sandbox.report.warning is None
    assert "turned off by the user" in sandbox.report.summary
    assert sandbox.report.probed == ()


def test_full_access_mode_is_unconfined_and_says_so(workspace: Path) -> None:
    sandbox = create_sandbox(policy(workspace, mode="full-access"), "require")
    assert sandbox.report.backend == "none" and not sandbox.report.confined
    assert sandbox.report.mode == "full-access"
    assert "full-access mode" in sandbox.report.summary

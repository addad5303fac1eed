"""The escape suite: on this machine's real kernel, every working backend blocks what its report
says it blocks (and its report claims nothing it does not do)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.conftest import BACKENDS, MakeSandbox, run
from support.processes import assert_all_dead, new_marker, sleeper, survivors
from vibe.sandbox.base import SUPERVISOR_KILLABLE, Sandbox


def claims_protected(sandbox: Sandbox, path: Path) -> bool:
    """What the report says about `path`: protected, or admitted as not protected."""
    report = sandbox.report
    if any(path == Path(p) or Path(p) in path.parents for p in report.protected):
        return True
    top = path.relative_to(path.parent.parent) if path.parent.name == ".git" else path
    assert any(str(top).split("/")[0] in line for line in report.not_enforced), report.not_enforced
    return False


def entries(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


async def test_workspace_and_tmpdir_stay_writable(
    backend: str, make_sandbox: MakeSandbox, workspace: Path
) -> None:
    sandbox = make_sandbox(backend)
    outcome = await run(
        sandbox, 'mkdir -p src && echo ok > src/f && echo t > "$TMPDIR/t" && cat "$TMPDIR/t"', workspace
    )
    assert outcome.exit_code == 0, outcome.output
    assert (workspace / "src" / "f").read_text() == "ok\n"
    assert sandbox.report.tmpdir is not None
    assert (Path(sandbox.report.tmpdir) / "t").read_text() == "t\n"


@pytest.mark.parametrize(
    "command",
    [
        "echo x > {outside}/f",  # plainly outside
        "ln -s {outside} link && echo x > link/f",  # through a symlink inside the workspace
        "echo x > ../outside/f",  # via ..
        "cp /etc/hostname {outside}/f",
    ],
)
async def test_writes_outside_the_workspace_are_blocked(
    backend: str, make_sandbox: MakeSandbox, workspace: Path, command: str
) -> None:
    outside = workspace.parent / "outside"
    outcome = await run(make_sandbox(backend), command.format(outside=outside), workspace)
    assert outcome.exit_code != 0
    assert not (outside / "f").exists()


async def test_home_is_not_writable(backend: str, make_sandbox: MakeSandbox, workspace: Path) -> None:
    target = Path.home() / f"vibe-escape-{uuid.uuid4().hex}"
    try:
        outcome = await run(make_sandbox(backend), f"echo x > {target}", workspace)
        assert outcome.exit_code != 0
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


@pytest.mark.parametrize(
    ("relative", "command"),
    [
        (".git/hooks", "echo 'rm -rf ~' > .git/hooks/pre-commit && chmod +x .git/hooks/pre-commit"),
        (".git/config", "echo '[core] fsmonitor = evil' >> .git/config"),
        (".vibe", "echo 'permission_mode = \"auto\"' > .vibe/config.toml"),
        # git reads code to run from more of .git than hooks and config:
        (".git/commondir", "echo ../evil > .git/commondir"),
        (".git/info", "mkdir -p .git/info && echo '* diff=evil' > .git/info/attributes"),
        # and a renamed .git would shed mounts placed on its children:
        (".git", "mv .git .gitx && mkdir -p .git/hooks && touch .git/hooks/pre-commit"),
    ],
)
async def test_existing_protected_paths(
    backend: str, make_sandbox: MakeSandbox, workspace: Path, relative: str, command: str
) -> None:
    (workspace / ".vibe").mkdir()
    before = (workspace / ".git" / "config").read_text()
    sandbox = make_sandbox(backend)
    outcome = await run(sandbox, command, workspace)
    if claims_protected(sandbox, workspace / relative):
        assert outcome.exit_code != 0
        assert not (workspace / ".git" / "hooks" / "pre-commit").exists()
        assert not (workspace / ".vibe" / "config.toml").exists()
        assert (workspace / ".git" / "config").read_text() == before
        assert not (workspace / ".git" / "commondir").exists()
        assert not (workspace / ".git" / "info" / "attributes").exists()
        assert not (workspace / ".gitx").exists()
    else:
        assert outcome.exit_code == 0, outcome.output  # the report admitted it: no more, no less


async def test_missing_protected_path_cannot_be_created_and_leaves_no_trace(
    backend: str, make_sandbox: MakeSandbox, workspace: Path
) -> None:
    sandbox = make_sandbox(backend)
    outcome = await run(sandbox, "mkdir -p .vibe && echo x > .vibe/config.toml", workspace)
    if claims_protected(sandbox, workspace / ".vibe"):
        assert outcome.exit_code != 0
        # The mount point needed while the command ran is gone: the workspace is as it was.
        assert not (workspace / ".vibe").exists()
        assert entries(workspace) == [".git"]
    else:
        assert outcome.exit_code == 0


@pytest.fixture
def tcp_server() -> Iterator[int]:
    """A real TCP server on 127.0.0.1; connecting succeeds at the kernel's backlog."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


CONNECT = (
    'python3 -c \'import socket; socket.create_connection(("127.0.0.1", {port}), 5); print("connected")\''
)


async def test_network_is_off(
    backend: str, make_sandbox: MakeSandbox, workspace: Path, tcp_server: int
) -> None:
    sandbox = make_sandbox(backend)
    assert not sandbox.report.network
    outcome = await run(sandbox, CONNECT.format(port=tcp_server), workspace)
    assert outcome.exit_code != 0
    assert "connected" not in outcome.output


async def test_network_when_allowed(
    backend: str, make_sandbox: MakeSandbox, workspace: Path, tcp_server: int
) -> None:
    sandbox = make_sandbox(backend, network=True)
    assert sandbox.report.network
    outcome = await run(sandbox, CONNECT.format(port=tcp_server), workspace)
    assert outcome.exit_code == 0, outcome.output
    assert "connected" in outcome.output


async def test_read_only_mode(backend: str, make_sandbox: MakeSandbox, workspace: Path) -> None:
    sandbox = make_sandbox(backend, mode="read-only")
    assert sandbox.report.mode == "read-only"
    outcome = await run(sandbox, 'echo t > "$TMPDIR/t" && echo x > f', workspace)
    assert outcome.exit_code != 0
    assert not (workspace / "f").exists()
    assert sandbox.report.tmpdir is not None and (Path(sandbox.report.tmpdir) / "t").exists()


@pytest.mark.parametrize(
    "template",
    [
        "setsid {sleeper} >/dev/null 2>&1 & echo hi",  # own session: out of the process group
        "(setsid {sleeper} &) ; echo hi",  # double fork into a new session, holding the pipe
        "nohup {sleeper} >/dev/null 2>&1 & echo hi",
        'setsid bash -c "(setsid {sleeper} &)" & echo hi',
        # No run marker to find it by, out of the group and the session, re-parented to init
        # before the supervisor existed; and one that tries to kill its supervisor first.
        "(setsid env -i {sleeper} >/dev/null 2>&1 &) ; echo hi",
        "(setsid env -i {sleeper} >/dev/null 2>&1 &) ; kill -9 $PPID 2>/dev/null; echo hi",
    ],
)
@pytest.mark.parametrize("name", [*BACKENDS, "none"])
async def test_background_processes_do_not_outlive_the_command(
    name: str, make_sandbox: MakeSandbox, workspace: Path, template: str
) -> None:
    marker = new_marker()
    sandbox = make_sandbox(name)
    outcome = await run(sandbox, template.format(sleeper=sleeper(marker)), workspace)
    if "kill -9 $PPID" in template and SUPERVISOR_KILLABLE in " ".join(sandbox.report.not_enforced):
        for process in survivors(marker):  # admitted by the report: clean up after the test
            process.kill()
        return
    assert outcome.exit_code == 0
    assert outcome.output == "hi\n"
    assert outcome.duration_seconds < 10
    await assert_all_dead(marker)

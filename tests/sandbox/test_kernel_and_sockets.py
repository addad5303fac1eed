"""On the real kernel: a confined command (as root too) cannot change the kernel through /proc,
create device nodes, or reach the host's Unix sockets with the network off — or, where a backend
cannot stop it, its report says so."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.conftest import BACKENDS, MakeSandbox, run
from support.host_attacks import socket_outside


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def admits(report_lines: tuple[str, ...], *words: str) -> bool:
    return any(all(word in line for word in words) for line in report_lines)


SWAPPINESS = Path("/proc/sys/vm/swappiness").read_text().strip()


async def test_kernel_knobs_are_read_only(backend: str, make_sandbox: MakeSandbox, workspace: Path) -> None:
    swappiness = SWAPPINESS
    # Writing back the value it already has: harmless here if the sandbox fails, and proof.
    command = (
        f"echo {swappiness} > /proc/sys/vm/swappiness && echo WROTE; [ -w /proc/sysrq-trigger ] && echo SYSRQ"
    )
    outcome = await run(make_sandbox(backend), command, workspace)
    assert "WROTE" not in outcome.output and "SYSRQ" not in outcome.output, outcome.output


async def test_no_capabilities_and_no_device_nodes(
    backend: str, make_sandbox: MakeSandbox, workspace: Path
) -> None:
    command = (
        "grep -E '^Cap(Eff|Prm|Amb):' /proc/self/status; grep NoNewPrivs /proc/self/status; "
        "mknod disk b 8 0 && echo MADE-BLOCK; mknod tty c 4 1 && echo MADE-CHAR; "
        "mkfifo fifo && echo MADE-FIFO"
    )
    outcome = await run(make_sandbox(backend), command, workspace)
    lines = dict(line.split(":", 1) for line in outcome.output.splitlines() if ":" in line)
    for name in ("CapEff", "CapPrm", "CapAmb"):
        assert int(lines[name].strip(), 16) == 0, outcome.output
    assert lines["NoNewPrivs"].strip() == "1"
    assert "MADE-BLOCK" not in outcome.output and "MADE-CHAR" not in outcome.output
    assert "MADE-FIFO" in outcome.output  # a named pipe is an ordinary thing for a build to make


@pytest.fixture
def host_socket() -> Iterator[Path]:
    with socket_outside("vibe-agent-", "agent.sock") as path:
        yield path


@pytest.fixture
def tmp_socket() -> Iterator[Path]:
    """One in /tmp, where tmux, X11 and ssh-agent keep theirs."""
    folder = Path(tempfile.mkdtemp(prefix="vibe-tmux-", dir="/tmp"))
    path = folder / "default"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(str(path))
        server.listen(8)
        yield path
    shutil.rmtree(folder, ignore_errors=True)


CONNECT_UNIX = (
    "python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1]); "
    'print("connected")\' {path}'
)


async def test_host_sockets_are_out_of_reach_with_the_network_off(
    backend: str, make_sandbox: MakeSandbox, workspace: Path, host_socket: Path, tmp_socket: Path
) -> None:
    if workspace.is_relative_to("/tmp") and os.environ.get("XDG_RUNTIME_DIR") == "/tmp":
        pytest.skip("the workspace shares the runtime folder")
    sandbox = make_sandbox(backend)
    for path in (host_socket, tmp_socket):
        outcome = await run(sandbox, CONNECT_UNIX.format(path=path), workspace)
        if admits(sandbox.report.not_enforced, "Unix sockets on the filesystem"):
            assert "connected" in outcome.output, outcome.output  # no more, no less than it says
        else:
            assert "connected" not in outcome.output, (path, outcome.output)
    # With the network on, the report admits sockets stay reachable.
    assert admits(make_sandbox(backend, network=True).report.not_enforced, "Unix sockets on the filesystem")


async def test_the_workspace_under_tmp_stays_usable(
    backend: str, make_sandbox: MakeSandbox, workspace: Path
) -> None:
    # pytest's temp folders live in /tmp, which is hidden with the network off: the workspace
    # and the private TMPDIR are bound back over the empty one, also in read-only mode.
    (workspace / "data.txt").write_text("kept\n")
    outcome = await run(make_sandbox(backend, mode="read-only"), "cat data.txt", workspace)
    assert outcome.exit_code == 0 and "kept" in outcome.output, outcome.output


@pytest.mark.parametrize("name", [*BACKENDS, "none"])
async def test_pipelines_end_quietly_as_in_a_terminal(
    name: str, make_sandbox: MakeSandbox, workspace: Path
) -> None:
    # The writer of a pipeline whose reader left dies of SIGPIPE, silently: nothing between
    # vibe and the command may leave that signal ignored (Python ignores it for itself).
    outcome = await run(make_sandbox(name), "yes | head -c 1000000 > /dev/null; echo done", workspace)
    assert outcome.output == "done\n", outcome.output


def test_a_sockets_folder_is_hidden_whole_unless_it_holds_more_than_sockets(tmp_path: Path) -> None:
    from vibe.sandbox.kernel_view import socket_hiding

    home = tmp_path / "home"
    daemon = tmp_path / "run" / "daemon"
    inner = tmp_path / "run" / "daemon" / "inner"
    workspace = tmp_path / "ws"
    for folder in (home, inner, workspace):
        folder.mkdir(parents=True)
    sockets = [daemon / "d.sock", inner / "i.sock", home / "agent.sock", workspace / "dev.sock"]
    servers = [socket.socket(socket.AF_UNIX) for _ in sockets]
    try:
        for server, path in zip(servers, sockets, strict=True):
            server.bind(str(path))
        gone = str(tmp_path / "gone" / "x.sock")  # listed, but no longer there
        folders, files = socket_hiding([*map(str, sockets), gone], (workspace,), [], str(home))
    finally:
        for server in servers:
            server.close()
    # A folder does not vanish between the look and the mount the way a socket can.
    assert folders == [str(daemon)]
    assert files == [str(home / "agent.sock")]  # the home folder is never hidden whole


async def test_programs_under_tmp_stay_usable(
    backend: str, make_sandbox: MakeSandbox, workspace: Path
) -> None:
    # Checkouts, venvs and toolchains live under /tmp too (CI clones there): hiding sockets
    # must not hide them.
    folder = Path(tempfile.mkdtemp(prefix="vibe-toolchain-", dir="/tmp"))
    try:
        tool = folder / "bin" / "tool"
        tool.parent.mkdir()
        tool.write_text("#!/bin/sh\necho tool-ran\n")
        tool.chmod(0o755)
        outcome = await run(make_sandbox(backend), str(tool), workspace)
        assert outcome.output == "tool-ran\n", outcome.output
    finally:
        shutil.rmtree(folder, ignore_errors=True)

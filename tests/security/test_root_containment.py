"""Class 2, through `vibe -p`: a command the model runs, as root (as CI runs) or as `nobody`, on
the strongest backend or with bubblewrap hidden (Landlock), cannot change the kernel, hold a
capability, make a device node, or reach a host socket with the network off — except where the
session's own sandbox report says the backend does not enforce it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.host_attacks import socket_outside
from support.identities import Identity
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

SWAPPINESS = Path("/proc/sys/vm/swappiness").read_text().strip()
ATTACK = (
    f"echo {SWAPPINESS} > /proc/sys/vm/swappiness && echo KNOB-WRITTEN; "
    "grep -E '^CapEff:' /proc/self/status; "
    "mknod disk b 8 0 2>/dev/null && echo NODE-MADE; "
    "python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1]); "
    'print("SOCKET-REACHED")\' {socket} 2>/dev/null; echo attack-done'
)


@pytest.fixture
def host_socket() -> Iterator[Path]:
    with socket_outside("vibe-daemon-", "daemon.sock") as path:
        yield path


def test_a_command_cannot_reach_the_host(
    vibe_env: VibeEnv, identity: Identity, backend: str, host_socket: Path
) -> None:
    if shutil.which("python3", path="/usr/bin:/bin") is None:
        pytest.skip("needs a system python3 for the socket probe")
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": ATTACK.format(socket=host_socket)})]), reply("done")
    )
    run = vibe_env.run("-p", "tune the machine", "--auto-approve", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    info = run.of_type("session_started")[0]["sandbox_info"]
    assert info["confined"], info
    told = vibe_env.fake.requests[1].tool_results[0]
    assert "attack-done" in told, told
    assert "KNOB-WRITTEN" not in told
    assert "NODE-MADE" not in told
    cap_line = next(line for line in told.splitlines() if line.startswith("CapEff:"))
    assert int(cap_line.split(":")[1].strip(), 16) == 0, (identity.name, cap_line)
    sockets_admitted = any("Unix sockets on the filesystem" in line for line in info["not_enforced"])
    assert ("SOCKET-REACHED" in told) == sockets_admitted, (info["backend"], told)

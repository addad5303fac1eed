"""A command the model runs cannot change the host, as root (CI) or as an unprivileged user.

Through the real `vibe -p` and its default sandbox: kernel settings under /proc and /sys stay
untouched, no capability survives into the command, and Unix sockets outside the workspace
(agents, D-Bus, Docker, X11 in /tmp, /run or anywhere else) cannot be reached while the
network is off. Each test fails if the attack succeeds, or if vibe claims more than it does.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.host_attacks import (
    capabilities,
    connect_command,
    listening,
    open_knobs_command,
    same_value_command,
    status_command,
    writable_knobs,
)
from support.identities import Identity
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

ZERO = "0000000000000000"


def run_command(vibe_env: VibeEnv, command: str) -> tuple[str, dict[str, Any]]:
    """Runs `command` as the model's bash call; its output as the model got it, and the sandbox
    report of the session."""
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": command})]), reply("done"))
    run = vibe_env.run("-p", "go", "--auto-approve", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    started = run.of_type("session_started")[0]
    assert started["sandbox_info"]["confined"], started["sandbox_info"]
    return vibe_env.fake.requests[1].tool_results[0], started["sandbox_info"]


def test_kernel_settings_stay_untouched(vibe_env: VibeEnv, identity: Identity, backend: str) -> None:
    knobs = writable_knobs()  # what root could open outside a sandbox
    command = f"{same_value_command()}; {open_knobs_command(knobs)}"
    output, _ = run_command(vibe_env, command)
    assert "WROTE" not in output, output
    assert "OPENED" not in output, output
    assert output.count("refused") == len(knobs)


def test_no_capability_reaches_the_command(vibe_env: VibeEnv, identity: Identity, backend: str) -> None:
    output, _ = run_command(vibe_env, f"id -u; {status_command()}")
    assert output.split()[0] == str(identity.uid)
    caps = capabilities(output)
    assert (caps["CapEff"], caps["CapPrm"], caps["CapAmb"], caps["CapInh"]) == (ZERO,) * 4, caps
    assert caps["NoNewPrivs"] == "1"
    if identity.privileged:
        assert caps["CapBnd"] == ZERO, caps  # root's next exec is granted nothing either


@pytest.fixture
def elsewhere() -> Iterator[Path]:
    """A folder outside the runtime folders (/run, /tmp), reachable by every identity."""
    base = Path("/var/tmp")
    if not base.is_dir() or not os.access(base, os.W_OK):
        pytest.skip("no writable /var/tmp")
    folder = Path(tempfile.mkdtemp(prefix="vibe-sock-", dir=base))
    folder.chmod(0o755)
    yield folder
    folder.rmdir()


def test_sockets_outside_the_workspace_cannot_be_reached(
    vibe_env: VibeEnv, identity: Identity, shared_tmp: Path, elsewhere: Path, backend: str
) -> None:
    with (
        listening(shared_tmp / "agent.sock") as agent,  # under /tmp, like ssh-agent's or X11's
        listening(elsewhere / "daemon.sock") as daemon,  # where only the kernel's list finds it
    ):
        vibe_env.extra_env["SSH_AUTH_SOCK"] = str(agent.path)
        command = f'{connect_command([agent.path, daemon.path])}; echo "agent=$SSH_AUTH_SOCK"'
        output, info = run_command(vibe_env, command)
        claim = "the host's Unix sockets are out of reach"
        if any(line.startswith(claim) for line in info["enforced"]):
            assert (agent.connections(), daemon.connections()) == (0, 0), output
        else:  # never silently: the session says so
            assert any("Unix sockets" in line for line in info["not_enforced"]), info
        assert "agent=\n" in output  # the agent's address is not handed over either

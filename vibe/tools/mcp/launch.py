"""How a stdio MCP server is started: confined like a command, with its own state folder.

vibe builds the launch (`StdioLaunch`) from the settings and the workspace, and spawns the
server from it in its own process, where every confined process is made. The server may write
only to the workspace roots and its state folder `$VIBE_HOME/mcp/<name>/` (also its
HOME and caches), reaches the network only when its `network = true`, and gets the sandbox's
scrubbed environment plus its own `env`.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from vibe.config.mcp_servers import McpServer
from vibe.config.settings import SandboxPreference
from vibe.sandbox.base import Sandbox, SandboxPolicy, SpawnSpec
from vibe.sandbox.probe import create_sandbox, create_sandbox_like

__all__ = ["ConfinedLaunch", "StdioLaunch", "confined_launch"]

# The servers of one run share their sandbox's backend: the first one's probe finds it (the
# others wait for it), the others are built on it without probing again.
_PROBE_LOCK = threading.Lock()
_probed: dict[tuple[str, bool, str], Sandbox] = {}


@dataclass(frozen=True, slots=True)
class StdioLaunch:
    """Where and how confined a stdio server runs."""

    # The sandbox policy commands get (its metadata guard aside: a server is not a command).
    policy: SandboxPolicy
    use: SandboxPreference
    cwd: Path
    state_dir: Path


@dataclass(frozen=True, slots=True)
class ConfinedLaunch:
    """How to start one stdio server inside the sandbox."""

    spec: SpawnSpec
    # One sentence on the confinement, for `vibe mcp list` and /status.
    confinement: str
    # Held for the server's whole life: the sandbox's private TMPDIR goes with it.
    sandbox: Sandbox


def _sandbox(policy: SandboxPolicy, use: SandboxPreference) -> Sandbox:
    key = (policy.mode, policy.network, use)
    with _PROBE_LOCK:
        probed = _probed.get(key)
        if probed is None:
            sandbox = create_sandbox(policy, use)
            _probed[key] = sandbox
            return sandbox
    return create_sandbox_like(probed, policy, use)


def confined_launch(server: McpServer, launch: StdioLaunch) -> ConfinedLaunch:
    """The confined spawn of `server` (it may probe the sandbox: run it in a thread)."""
    state = launch.state_dir
    state.mkdir(parents=True, exist_ok=True)
    policy = replace(
        launch.policy,
        writable_roots=(*launch.policy.writable_roots, state),
        network=server.network,
        # The guard renames metadata a command created when it ends; a server runs for the
        # whole conversation, so its changes stay subject to the protected paths only.
        guard=None,
    )
    sandbox = _sandbox(policy, launch.use)
    assert server.command is not None
    spec = sandbox.wrap([server.command, *server.args], launch.cwd)
    env = dict(spec.env) if spec.env is not None else dict(os.environ)
    env.update(
        HOME=str(state),
        XDG_CACHE_HOME=str(state / "cache"),
        XDG_CONFIG_HOME=str(state / "config"),
        XDG_DATA_HOME=str(state / "data"),
        XDG_STATE_HOME=str(state / "state"),
    )
    env.update(server.env)
    report = sandbox.report
    confinement = f"{report.summary}; also writes {state}"
    if report.warning:
        confinement = f"{confinement} ({report.warning})"
    return ConfinedLaunch(replace(spec, env=env), confinement, sandbox)

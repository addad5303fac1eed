"""The configured MCP servers, as tool sources of a conversation's registry.

Nothing here runs unless a server is configured: the MCP client (and the `mcp` SDK under it) is
imported only then. Each stdio server is confined like a command: writes only to the workspace
and its own state directory `$VIBE_HOME/mcp/<name>/` (also its HOME and cache), network only when
its `network = true`, a scrubbed environment plus its own `env`.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from vibe.config.mcp_servers import McpServer
from vibe.config.settings import Settings
from vibe.sandbox.base import SandboxPolicy
from vibe.sandbox.probe import create_sandbox
from vibe.tools.base import ToolRegistry
from vibe.tools.workspace import Workspace

if TYPE_CHECKING:
    from vibe.tools.mcp.source import McpSource
    from vibe.tools.mcp.stdio_transport import ConfinedLaunch


# Sandboxes are probed and wrapped one at a time: a probe briefly creates (and then removes)
# mount points for missing protected paths in the workspace, which a concurrent probe of a
# second server would find half made and fall back to a weaker backend.
_SPAWN_LOCK = threading.Lock()


def preload_mcp_sdk(settings: Settings) -> asyncio.Future[None] | None:
    """Starts loading the `mcp` SDK in a thread when a server is configured (None otherwise), so
    that a run which must wait for its servers (headless) overlaps the load with its own
    start-up, before the servers are even spawned; their sources then find it loaded."""
    servers = [server for server in settings.mcp_servers.values() if server.enabled]
    if not servers:
        return None
    from vibe.tools.mcp.sdk_loader import load_sdk

    http = any(server.command is None for server in servers)
    return asyncio.ensure_future(asyncio.to_thread(load_sdk, http=http))


def server_state_dir(home: Path, name: str) -> Path:
    return home / "mcp" / name


def add_mcp_sources(
    registry: ToolRegistry,
    settings: Settings,
    workspace: Workspace,
    home: Path,
    asked: SandboxPolicy,
    servers: Mapping[str, McpServer] | None = None,
    origin: str = "config",
) -> list[McpSource]:
    """One source per enabled server (the configured ones unless `servers` is given), added to
    `registry` (started with the conversation, or by the next `registry.start()`)."""
    if servers is None:
        servers = settings.mcp_servers
    servers = {name: server for name, server in servers.items() if server.enabled}
    if not servers:
        return []
    from vibe.tools.mcp.source import McpSource  # the SDK loads only when a server is configured

    sources: list[McpSource] = []
    for name, server in servers.items():
        state = server_state_dir(home, name)
        spawn = None
        if server.command is not None:
            spawn = _confined_spawn(name, server, settings, workspace, asked, state)
        source = McpSource(
            name,
            server,
            state_dir=state,
            spawn=spawn,
            default_timeout=settings.limits.tool_timeout,
            origin=origin,
        )
        registry.add_source(source)
        sources.append(source)
    return sources


def _confined_spawn(
    name: str, server: McpServer, settings: Settings, workspace: Workspace, asked: SandboxPolicy, state: Path
) -> Callable[[], ConfinedLaunch]:
    from vibe.tools.mcp.stdio_transport import ConfinedLaunch

    def spawn() -> ConfinedLaunch:
        with _SPAWN_LOCK:
            return build()

    def build() -> ConfinedLaunch:
        state.mkdir(parents=True, exist_ok=True)
        policy = replace(
            asked,
            writable_roots=(*workspace.roots, state),
            network=server.network,
            # The guard renames metadata a command created when it ends; a server runs for the
            # whole conversation, so its changes stay subject to the protected paths only.
            guard=None,
        )
        sandbox = create_sandbox(policy, settings.sandbox.use)
        assert server.command is not None
        spec = sandbox.wrap([server.command, *server.args], workspace.cwd)
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

    return spawn

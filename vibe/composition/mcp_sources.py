"""The configured MCP servers, as tool sources of a conversation's registry.

Nothing here runs unless a server is configured: the MCP client is imported only then (and the
`mcp` SDK only ever in its own process). Each stdio server is confined like a command: writes
only to the workspace and its own state directory `$VIBE_HOME/mcp/<name>/` (also its HOME and
cache), network only when its `network = true`, a scrubbed environment plus its own `env`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from vibe.config.mcp_servers import McpServer
from vibe.config.settings import Settings
from vibe.sandbox.base import SandboxPolicy
from vibe.tools.base import ToolRegistry, ToolSource
from vibe.tools.workspace import Workspace

if TYPE_CHECKING:
    from vibe.tools.mcp.source import McpSource


def server_state_dir(home: Path, name: str) -> Path:
    return home / "mcp" / name


def launch_mcp_sources(
    settings: Settings, workspace: Workspace, home: Path, asked: SandboxPolicy
) -> list[ToolSource]:
    """The configured servers' sources, their servers started now, before the conversation
    that will use them is built (`build_agent(mcp_sources=...)`): a headless run's first
    request waits for them, so they start while the rest of vibe is set up."""
    holder = ToolRegistry()  # only to create them; the conversation's registry adopts them
    sources = add_mcp_sources(holder, settings, workspace, home, asked)
    for source in sources:
        source.launch()
    return list(sources)


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
    from vibe.tools.mcp.launch import StdioLaunch
    from vibe.tools.mcp.source import McpSource

    sources: list[McpSource] = []
    for name, server in servers.items():
        state = server_state_dir(home, name)
        launch = None
        if server.command is not None:
            launch = StdioLaunch(asked, settings.sandbox.use, workspace.cwd, state)
        source = McpSource(
            name,
            server,
            state_dir=state,
            launch=launch,
            default_timeout=settings.limits.tool_timeout,
            origin=origin,
        )
        registry.add_source(source)
        sources.append(source)
    return sources


def add_editor_servers(
    registry: ToolRegistry,
    settings: Settings,
    workspace: Workspace,
    home: Path,
    asked: SandboxPolicy,
    servers: Mapping[str, McpServer],
    configured_too: bool,
) -> list[str]:
    """An editor's servers for one session added to `registry` (and first the configured ones,
    when `configured_too`: an editor's server may not take their names); a sentence for each
    editor server left out."""
    if configured_too:
        add_mcp_sources(registry, settings, workspace, home, asked)
    taken = {status.name for source in registry.sources() if (status := source.status()) is not None}
    notes = [
        f"MCP server {name!r} from the editor was not started: config.toml has a server of that name"
        for name in servers
        if name in taken
    ]
    fresh = {name: server for name, server in servers.items() if name not in taken}
    add_mcp_sources(registry, settings, workspace, home, asked, fresh, origin="editor")
    return notes

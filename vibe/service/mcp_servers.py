"""A conversation's MCP servers as the user sees them: `/mcp` (each server's state, tools,
prompts and confinement), `/mcp restart NAME`, and the lines `/status` adds (with what their tool schemas
cost on every request). Written once here; the TUI and editors only show the text."""

from __future__ import annotations

from dataclasses import dataclass

from vibe.agent.loop import Agent
from vibe.agent.tool_specs import schema_tokens
from vibe.protocol import events as ev
from vibe.service.host import ServiceError
from vibe.tools.source_status import ServerStatus

__all__ = ["McpServerView", "describe_servers", "restart_server", "server_views", "status_lines"]


@dataclass(frozen=True, slots=True)
class McpServerView:
    status: ServerStatus
    # Estimated tokens of the server's tool schemas, sent with every request.
    schema_tokens: int


def server_views(agent: Agent) -> list[McpServerView]:
    views: list[McpServerView] = []
    for source in agent.tools.sources():
        status = source.status()
        if status is None:
            continue
        tools = [tool for name in status.tools if (tool := agent.tools.get(name)) is not None]
        views.append(McpServerView(status, schema_tokens(tools)))
    return views


def describe_servers(views: list[McpServerView]) -> str:
    """The answer to `/mcp`."""
    if not views:
        return "No MCP servers in this session: configure them under [mcp_servers] in config.toml."
    lines: list[str] = []
    for view in views:
        status = view.status
        origin = " from the editor" if status.origin == "editor" else ""
        lines.append(f"{status.name} ({status.transport}{origin}): {_state(status)}")
        if status.tools:
            lines.append(f"  {len(status.tools)} tools, about {view.schema_tokens:,} tokens per request")
        if status.prompts:
            commands = ", ".join(f"/mcp__{status.name}__{prompt}".lower() for prompt in status.prompts)
            count = len(status.prompts)
            lines.append(f"  {count} prompt{'s' if count != 1 else ''}: {commands}")
        if status.confinement:
            lines.append(f"  confinement: {status.confinement}")
        lines += [f"  left out: {why}" for why in status.skipped]
    lines.append("/mcp restart NAME starts a server again.")
    return "\n".join(lines)


def status_lines(views: list[McpServerView]) -> list[str]:
    """What `/status` says about the MCP servers: one line each, then their schemas' cost."""
    if not views:
        return []
    lines = [f"mcp       {view.status.name}: {_state(view.status)}, {_tools(view)}" for view in views]
    confined = {view.status.confinement for view in views if view.status.confinement}
    lines += [f"          {confinement}" for confinement in sorted(confined)]
    total = sum(view.schema_tokens for view in views)
    lines.append(f"          tool schemas: about {total:,} tokens per request")
    return lines


async def restart_server(agent: Agent, name: str) -> list[ev.AgentEvent]:
    """Restarts the server `name` and waits until it is ready or has failed (its own start-up
    timeout bounds that). Ready: answered by a notice saying so; failed: the server's own
    failure notice tells why (through the usual route). Raises ServiceError for an unknown name."""
    for source in agent.tools.sources():
        status = source.status()
        if status is not None and status.name == name:
            await source.restart()
            await source.settled()
            status = source.status()
            assert status is not None
            if status.state != "ready":
                return []
            tools = len(status.tools)
            message = f"MCP server {name!r} is ready again: {tools} tool{'s' if tools != 1 else ''}"
            return [ev.McpServerNotice(server=name, state="ready", message=message)]
    known = [status.name for source in agent.tools.sources() if (status := source.status()) is not None]
    listed = f"; this session has: {', '.join(known)}" if known else "; this session has none"
    raise ServiceError(f"no MCP server named {name!r}{listed}")


def _state(status: ServerStatus) -> str:
    return f"failed ({status.error})" if status.state == "failed" and status.error else status.state


def _tools(view: McpServerView) -> str:
    count = len(view.status.tools)
    return f"{count} tool{'s' if count != 1 else ''}"

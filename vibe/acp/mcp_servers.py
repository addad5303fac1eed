"""The MCP servers an editor passes in `session/new` and `session/load`, as vibe's own server
settings: stdio servers run confined exactly like configured ones (network off, writes to the
workspace and their state folder), HTTP servers are reached directly.

An editor's names are free text; vibe's become part of tool names (`mcp__<server>__<tool>`), so a
name is made of letters, digits, `_` and `-` here (others become `_`), and a repeated one gets a
number. A server that cannot be used is one sentence for the user, not an error for the request.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from acp.schema import HttpMcpServer, McpServerStdio, SseMcpServer
from pydantic import ValidationError

from vibe.config.mcp_servers import McpServer

__all__ = ["editor_servers"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")
_NAME_CHARS = 32


def editor_servers(passed: Sequence[object]) -> tuple[dict[str, McpServer], list[str]]:
    """(servers by name, notices about the ones left out)."""
    servers: dict[str, McpServer] = {}
    notes: list[str] = []
    for server in passed:
        name = _unique(_safe_name(str(getattr(server, "name", "") or "server")), servers)
        try:
            settings = _settings(server)
        except (ValidationError, ValueError) as exc:
            notes.append(f"MCP server {name!r} from the editor was not started: {_first_error(exc)}")
            continue
        servers[name] = settings
    return servers, notes


def _settings(server: object) -> McpServer:
    if isinstance(server, McpServerStdio):
        env = {variable.name: variable.value for variable in server.env}
        return McpServer(command=server.command, args=tuple(server.args), env=env)
    if isinstance(server, HttpMcpServer | SseMcpServer):
        headers = {header.name: header.value for header in server.headers}
        transport = "sse" if isinstance(server, SseMcpServer) else "http"
        return McpServer.model_validate({"url": server.url, "headers": headers, "transport": transport})
    raise ValueError(f"vibe does not know this kind of server ({type(server).__name__})")


def _safe_name(name: str) -> str:
    return _UNSAFE.sub("_", name)[:_NAME_CHARS] or "server"


def _unique(name: str, taken: dict[str, McpServer]) -> str:
    if name not in taken:
        return name
    number = 2
    while (candidate := f"{name[: _NAME_CHARS - 4]}_{number}") in taken:
        number += 1
    return candidate


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        return str(errors[0]["msg"]).removeprefix("Value error, ") if errors else "invalid settings"
    return str(exc)

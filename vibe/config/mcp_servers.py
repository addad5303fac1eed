"""The `[mcp_servers.NAME]` tables of config.toml: MCP servers whose tools join vibe's.

```toml
[mcp_servers.git]                  # stdio: started by vibe, inside its sandbox
command = "uvx"
args = ["mcp-server-git", "--repository", "."]
env = { LOG_LEVEL = "warn" }
network = false                    # the server's sandbox may use the network
enabled_tools = ["git_status"]     # or disabled_tools = [...]

[mcp_servers.docs]                 # streamable HTTP (falls back to the older HTTP+SSE)
url = "http://127.0.0.1:9000/mcp"
headers = { Authorization = "Bearer ${DOCS_TOKEN}" }
# transport = "sse"                # only the older HTTP+SSE protocol; "http": never fall back
```

`${VAR}` is expanded only in the user's own config file (`expand_user_servers`): a repository's
config must not be able to send the user's environment to a server it names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["McpServer", "check_server_names"]

# Server names become part of tool names (`mcp__<server>__<tool>`), which endpoints restrict.
SERVER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class McpServer(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    command: str | None = None
    args: tuple[str, ...] = ()
    env: dict[str, str] = Field(default_factory=dict[str, str])
    network: bool = False
    url: str | None = None
    # For `url` servers: "http" (streamable HTTP), "sse" (the older HTTP+SSE protocol), or unset:
    # streamable HTTP, falling back to HTTP+SSE when the server refuses it (as the spec suggests).
    transport_setting: Literal["http", "sse"] | None = Field(default=None, alias="transport")
    headers: dict[str, str] = Field(default_factory=dict[str, str])
    enabled_tools: tuple[str, ...] | None = None
    disabled_tools: tuple[str, ...] = ()
    # Seconds to wait for the server to answer its handshake and list its tools.
    startup_timeout: float = Field(default=10.0, gt=0)
    # Seconds one call may take; None: vibe's general [limits] tool_timeout.
    tool_timeout: float | None = Field(default=None, gt=0)
    # Let the server's read-only hints count: such tools run without asking, and in plan mode.
    trust_annotations: bool = False
    enabled: bool = True

    @model_validator(mode="after")
    def _one_transport(self) -> McpServer:
        if (self.command is None) == (self.url is None):
            raise ValueError("an MCP server needs exactly one of command (stdio) or url (HTTP)")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"url {self.url!r} must start with http:// or https://")
        if self.command is not None and self.transport_setting is not None:
            raise ValueError("transport applies to url servers only")
        if self.enabled_tools is not None and self.disabled_tools:
            raise ValueError("give enabled_tools or disabled_tools, not both")
        return self

    @property
    def transport(self) -> str:
        """stdio, http or sse: what the server is reached by (first, when falling back)."""
        if self.command is not None:
            return "stdio"
        return self.transport_setting or "http"

    @property
    def falls_back_to_sse(self) -> bool:
        return self.url is not None and self.transport_setting is None

    def offers(self, tool: str) -> bool:
        """Whether the filters let the server's tool `tool` through."""
        if self.enabled_tools is not None:
            return tool in self.enabled_tools
        return tool not in self.disabled_tools


def check_server_names(servers: Mapping[str, McpServer]) -> None:
    for name in servers:
        if not SERVER_NAME.match(name):
            raise ValueError(f"MCP server name {name!r} may only use letters, digits, _ and - (at most 32)")


def expand_user_servers(user: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """The user's config with `${VAR}` replaced in its MCP servers' strings (a variable that is
    not set becomes empty). Only ever called on the user's own file."""
    servers = user.get("mcp_servers")
    if not isinstance(servers, Mapping):
        return dict(user)
    return {**user, "mcp_servers": _expand(cast(Mapping[str, Any], servers), env)}


def _expand(value: object, env: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _VARIABLE.sub(lambda found: env.get(found.group(1), ""), value)
    if isinstance(value, Mapping):
        return {key: _expand(item, env) for key, item in cast(Mapping[str, Any], value).items()}
    if isinstance(value, list):
        return [_expand(item, env) for item in cast(list[Any], value)]
    return value

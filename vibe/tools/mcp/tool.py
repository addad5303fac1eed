"""One tool of an MCP server, offered to the model as `mcp__<server>__<tool>`.

It goes through the same dispatcher, policy, approvals and audit log as a built-in. What the
server says about it (description, read-only hint) is untrusted: the description is cut to size
and made safe to show, and the read-only hint only counts when the user set `trust_annotations`
for that server.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from vibe.prompts import load_prompt
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.errors import ToolArgumentsError
from vibe.tools.mcp.schema import MAX_DESCRIPTION_CHARS
from vibe.unicode_text import scrub

# Calls the server's tool by its own name with the arguments; returns the result as text and
# whether it is an error. Raises McpCallError when the server could not answer.
CallServer = Callable[[str, dict[str, Any]], Awaitable[tuple[str, bool]]]
_TITLE_ARGUMENT_CHARS = 200


class McpCallError(Exception):
    """The server could not answer a call (it died, timed out, or broke the protocol)."""


class McpTool(Tool[dict[str, Any]]):
    def __init__(
        self,
        *,
        name: str,
        server: str,
        remote_name: str,
        description: str,
        schema: dict[str, Any],
        trusted_read_only: bool,
        timeout: float | None,
        call: CallServer,
    ) -> None:
        self.name = name
        self.kind = "read" if trusted_read_only else "other"
        # Never "read_only" in the registry's sense (that skips the policy and runs concurrently):
        # even a trusted read-only call goes through the policy, which allows it.
        self.read_only = False
        self.server = server
        self.remote_name = remote_name
        self.trusted_read_only = trusted_read_only
        self._description = scrub(description)[:MAX_DESCRIPTION_CHARS]
        self._schema = schema
        self._timeout = timeout
        self._call = call

    def description(self) -> str:
        return load_prompt("tools/mcp_tool.md").format(
            description=self._description or "(no description)", server=self.server
        )

    def parameters(self) -> dict[str, Any]:
        return self._schema

    def parse(self, arguments: dict[str, Any]) -> dict[str, Any]:
        # The server checks its arguments against its own schema; vibe only checks the shape.
        if not isinstance(arguments, dict):  # pyright: ignore[reportUnnecessaryIsInstance]
            raise ToolArgumentsError(f"Invalid arguments for {self.name}: expected a JSON object.")
        return arguments

    async def prepare(self, args: dict[str, Any], ctx: ToolContext) -> Invocation:
        shown = json.dumps(args, ensure_ascii=False)
        if len(shown) > _TITLE_ARGUMENT_CHARS:
            shown = shown[: _TITLE_ARGUMENT_CHARS - 1] + "…"

        async def execute() -> ToolResult:
            try:
                text, is_error = await self._call(self.remote_name, args)
            except McpCallError as exc:
                return ToolResult.error(f"MCP server {self.server!r}: {exc}")
            return ToolResult(output=text, ok=not is_error)

        return Invocation(
            title=f"{self.server}: {self.remote_name} {shown}",
            execute=execute,
            mutates=not self.trusted_read_only,
            unconfined_effect=True,
            own_timeout=self._timeout,
        )

"""Tool sources' notices (an MCP server failed or died) as `mcp_server_notice` events."""

from __future__ import annotations

from vibe.agent.event_pump import EventPump
from vibe.protocol import events as ev
from vibe.tools.base import ToolRegistry
from vibe.tools.source_status import SourceNotice

__all__ = ["relay_source_notices"]


def relay_source_notices(registry: ToolRegistry, pump: EventPump) -> None:
    """From now on, each notice a source of `registry` gives is told through `pump`: in the
    running prompt's stream, or to whoever hears events between runs."""

    def notice(told: SourceNotice) -> None:
        pump.tell(ev.McpServerNotice(server=told.source, state=told.state, message=told.message))

    registry.listen(notice)

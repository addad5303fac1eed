"""/mcp in editor mode, answered in the conversation: the session's MCP servers (state, tools,
confinement), or `/mcp restart NAME`. A server that fails again tells why in a notice of its
own; the answer then lists the servers as they are."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibe.protocol.commands import SlashCommand

if TYPE_CHECKING:
    from vibe.service.conversation import Conversation

__all__ = ["mcp_answer"]


async def mcp_answer(conversation: Conversation, command: SlashCommand, argument: str) -> str:
    from vibe.protocol import events as ev
    from vibe.service.commands import operation_for
    from vibe.service.host import ServiceError
    from vibe.service.mcp_servers import describe_servers

    try:
        operation = operation_for(command, argument)
        if operation is None:
            return describe_servers(conversation.mcp_servers())
        events = [event async for event in conversation.submit(operation)]
    except ServiceError as exc:
        return f"/mcp: {exc}"
    ready = [event.message for event in events if isinstance(event, ev.McpServerNotice)]
    return ready[0] if ready else describe_servers(conversation.mcp_servers())

"""The conversation service: operations in, events out, once for every frontend.

`Conversation` (one conversation: agent, session, totals, mode and model, approvals as
request/reply, replay); `AgentHost` (the engine-side port the composition root implements);
`ServiceError`; `operation_for` (a slash command as the operation it submits).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = [
    "AgentHost",
    "Conversation",
    "ModelChoice",
    "ServiceError",
    "Totals",
    "describe_servers",
    "operation_for",
    "status_lines",
]

if TYPE_CHECKING:
    from vibe.service.commands import operation_for
    from vibe.service.conversation import Conversation
    from vibe.service.host import AgentHost, ModelChoice, ServiceError
    from vibe.service.mcp_servers import describe_servers, status_lines
    from vibe.service.totals import Totals

_HOMES = {
    "Conversation": "vibe.service.conversation",
    "AgentHost": "vibe.service.host",
    "ModelChoice": "vibe.service.host",
    "ServiceError": "vibe.service.host",
    "Totals": "vibe.service.totals",
    "operation_for": "vibe.service.commands",
    "describe_servers": "vibe.service.mcp_servers",
    "status_lines": "vibe.service.mcp_servers",
}


def __getattr__(name: str) -> object:
    # Lazy, so a frontend can name the service's vocabulary before the engine has loaded.
    import importlib

    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'vibe.service' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)

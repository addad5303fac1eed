"""Tool call ids that stay unique within a conversation.

Servers sometimes reuse ids (per request, or always the same one); the history must not, as
strict chat templates reject a conversation where two calls share an id.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable

from vibe.messages import AssistantMessage, Message, ToolCall

__all__ = ["CallIds", "new_call_id"]

_ID_ALPHABET = string.ascii_letters + string.digits


def new_call_id() -> str:
    """Mistral's format: 9 characters from [a-zA-Z0-9]."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(9))


class CallIds:
    def __init__(self, history: Iterable[Message]) -> None:
        self._seen = {
            call.id
            for message in history
            if isinstance(message, AssistantMessage)
            for call in message.tool_calls
        }

    def unique(self, call: ToolCall) -> ToolCall:
        """`call`, or a copy with a fresh id when its own is empty or taken."""
        if call.id and call.id not in self._seen:
            self._seen.add(call.id)
            return call
        fresh = new_call_id()
        while fresh in self._seen:
            fresh = new_call_id()
        self._seen.add(fresh)
        return call.model_copy(update={"id": fresh})

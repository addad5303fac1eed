"""A saved conversation replayed as `session/update`s, for `session/load`.

The session file holds messages, not events, so the replay shows what the messages say: the
user's prompts, the assistant's reasoning and answers, and each tool call with its result.
Live-only detail (streamed output, the exact diff an edit showed) is not stored and not replayed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from acp.helpers import (
    start_tool_call,
    text_block,
    tool_content,
    update_agent_message_text,
    update_agent_thought_text,
    update_tool_call,
    update_user_message_text,
)
from acp.schema import (
    AgentMessageChunk,
    AgentThoughtChunk,
    ToolCallLocation,
    ToolCallProgress,
    ToolCallStart,
    UserMessageChunk,
)

from vibe.acp.translate import TOOL_KINDS, tail
from vibe.messages import AssistantMessage, Message, ToolMessage, UserMessage

ReplayUpdate = UserMessageChunk | AgentMessageChunk | AgentThoughtChunk | ToolCallStart | ToolCallProgress

# Results the loop writes for calls that did not run (see vibe.agent.dispatch and loop).
_NOT_RUN = ("Denied:", "Not finished:", "Unknown tool", "Invalid arguments", "Internal error")
# What names a call best in a title, in order of preference.
_TITLE_ARGUMENTS = ("path", "command", "pattern", "query", "url")


def _arguments(raw: str) -> dict[str, Any]:
    try:
        value: object = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError:
        return {"_raw": raw}
    return value if isinstance(value, dict) else {"_raw": raw}  # pyright: ignore[reportUnknownVariableType]


def _title(name: str, arguments: Mapping[str, Any]) -> str:
    for key in _TITLE_ARGUMENTS:
        value = arguments.get(key)
        if isinstance(value, str) and value:
            first_line = value.strip().splitlines()[0] if value.strip() else value
            return f"{name}: {first_line[:80]}"
    return name


def replay_updates(
    history: Sequence[Message], tool_kinds: Mapping[str, str], cwd: Path, no_reply_marker: str
) -> list[ReplayUpdate]:
    updates: list[ReplayUpdate] = []
    for message in history:
        if isinstance(message, UserMessage):
            updates.append(update_user_message_text(message.content))
        elif isinstance(message, AssistantMessage):
            if message.reasoning:
                updates.append(update_agent_thought_text(message.reasoning))
            if message.content and message.content != no_reply_marker:
                updates.append(update_agent_message_text(message.content))
            for call in message.tool_calls:
                arguments = _arguments(call.arguments)
                path = arguments.get("path")
                locations = None
                if isinstance(path, str) and path:
                    absolute = Path(path) if Path(path).is_absolute() else cwd / path
                    locations = [ToolCallLocation(path=str(absolute))]
                updates.append(
                    start_tool_call(
                        call.id,
                        _title(call.name, arguments),
                        kind=TOOL_KINDS.get(tool_kinds.get(call.name, ""), "other"),
                        status="pending",
                        locations=locations,
                        raw_input=arguments,
                    )
                )
        elif isinstance(message, ToolMessage):
            failed = message.content.startswith(_NOT_RUN)
            updates.append(
                update_tool_call(
                    message.tool_call_id,
                    status="failed" if failed else "completed",
                    content=[tool_content(text_block(tail(message.content)))],
                )
            )
    return updates

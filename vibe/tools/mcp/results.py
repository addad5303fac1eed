"""An MCP tool result (or a fetched prompt) as the text the model reads.

Text blocks are kept, structured content is shown as JSON when there is no text saying the same,
resource links and embedded text resources are named, and images and audio become a placeholder
until the model can be shown them. The whole is capped like a command's output. A prompt's
messages are read the same way: their text becomes the user's prompt.
"""

from __future__ import annotations

import json
from typing import Any

import mcp_types

from vibe.tools.output_cap import cap_text

# The same budget as a command's output (vibe.tools.bash).
MAX_RESULT_CHARS = 30_000


def result_text(result: mcp_types.CallToolResult) -> str:
    parts = [_block_text(block) for block in result.content]
    if result.structured_content is not None and not any(
        isinstance(block, mcp_types.TextContent) for block in result.content
    ):
        parts.append(json.dumps(result.structured_content, ensure_ascii=False, indent=1))
    text = "\n".join(part for part in parts if part)
    return cap_text(text or "(no output)", MAX_RESULT_CHARS)


def prompt_text(result: mcp_types.GetPromptResult) -> str:
    """The messages of a fetched prompt as one text, each message's blocks as a tool result's."""
    text = "\n\n".join(part for message in result.messages if (part := _block_text(message.content)))
    return cap_text(text, MAX_RESULT_CHARS)


def _block_text(block: Any) -> str:
    if isinstance(block, mcp_types.TextContent):
        return block.text
    if isinstance(block, mcp_types.ImageContent):
        return f"[image ({block.mime_type}) not shown: this conversation takes text only]"
    if isinstance(block, mcp_types.AudioContent):
        return f"[audio ({block.mime_type}) not shown: this conversation takes text only]"
    if isinstance(block, mcp_types.ResourceLink):
        return f"[resource link: {block.uri} ({block.name})]"
    if isinstance(block, mcp_types.EmbeddedResource):
        resource = block.resource
        if isinstance(resource, mcp_types.TextResourceContents):
            return f"[resource {resource.uri}]\n{resource.text}"
        return f"[binary resource {resource.uri} not shown]"
    return f"[{type(block).__name__} not shown]"

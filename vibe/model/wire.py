"""Conversation → chat-completions request JSON (Mistral's API and OpenAI-compatible servers).

The two dialects agree on everything except how an assistant's earlier reasoning is sent back:
- "mistral": `content` becomes a chunk list, a thinking chunk then a text chunk
  (`[{"type": "thinking", "thinking": [{"type": "text", "text": ...}]}, {"type": "text", ...}]`),
  the form Magistral-style models produce and accept;
- "openai": `content` stays a string and the reasoning goes in `reasoning_content`, the field
  vLLM, DeepSeek and llama.cpp use.
Without reasoning both dialects send plain string content.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from vibe.messages import AssistantMessage, Message, SystemMessage, ToolMessage, UserMessage
from vibe.model.history import sanitize_history
from vibe.model.types import Sampling, ToolSpec

__all__ = ["ReasoningFormat", "build_request_body", "message_to_wire", "sanitize_history", "tool_to_wire"]

ReasoningFormat = Literal["mistral", "openai"]

JSON = dict[str, Any]


def build_request_body(
    messages: Sequence[Message],
    tools: Sequence[ToolSpec],
    sampling: Sampling,
    *,
    reasoning_format: ReasoningFormat = "mistral",
    include_usage_option: bool = True,
) -> JSON:
    """The JSON body of a streaming chat-completions request; the history is sanitized first.

    `include_usage_option` adds `stream_options.include_usage`, which OpenAI-style servers need
    to report usage in a stream but Mistral's API rejects as an unknown field (it sends usage in
    the last chunk anyway).
    """
    body: JSON = {
        "model": sampling.model,
        "stream": True,
        "messages": [message_to_wire(message, reasoning_format) for message in sanitize_history(messages)],
    }
    if include_usage_option:
        body["stream_options"] = {"include_usage": True}
    if tools:
        body["tools"] = [tool_to_wire(tool) for tool in tools]
        body["parallel_tool_calls"] = sampling.parallel_tool_calls
    if sampling.temperature is not None:
        body["temperature"] = sampling.temperature
    if sampling.max_tokens is not None:
        body["max_tokens"] = sampling.max_tokens
    return body


def tool_to_wire(tool: ToolSpec) -> JSON:
    return {
        "type": "function",
        "function": {"name": tool.name, "description": tool.description, "parameters": tool.parameters},
    }


def message_to_wire(message: Message, reasoning_format: ReasoningFormat = "mistral") -> JSON:
    match message:
        case UserMessage(images=images) if images:
            # Content parts: the text, then each image as a data URL. The object form of
            # `image_url` is what OpenAI-style servers take, and Mistral's API takes it too.
            parts: list[JSON] = [{"type": "text", "text": message.content}]
            parts.extend(
                {"type": "image_url", "image_url": {"url": f"data:{image.media_type};base64,{image.data}"}}
                for image in images
            )
            return {"role": "user", "content": parts}
        case SystemMessage(content=content) | UserMessage(content=content):
            return {"role": message.role, "content": content}
        case ToolMessage():
            return {
                "role": "tool",
                "tool_call_id": message.tool_call_id,
                "name": message.name,
                "content": message.content,
            }
        case AssistantMessage():
            return _assistant_to_wire(message, reasoning_format)


def _assistant_to_wire(message: AssistantMessage, reasoning_format: ReasoningFormat) -> JSON:
    wire: JSON = {"role": "assistant"}
    if message.reasoning and reasoning_format == "mistral":
        chunks: list[JSON] = [
            {"type": "thinking", "thinking": [{"type": "text", "text": message.reasoning}]},
        ]
        if message.content:
            chunks.append({"type": "text", "text": message.content})
        wire["content"] = chunks
    else:
        # Empty string rather than null: some llama.cpp templates choke on a null content.
        wire["content"] = message.content
        if message.reasoning:
            wire["reasoning_content"] = message.reasoning
    if message.tool_calls:
        wire["tool_calls"] = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for call in message.tool_calls
        ]
    return wire

"""MCP prompts joining the TUI's commands: servers start in the background, after the prompt is
usable, so completion and /help learn of their prompts only once they have listed them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibe.tui.completion import custom_items

if TYPE_CHECKING:
    from vibe.service.conversation import Conversation
    from vibe.tui.prompt_input import PromptInput
    from vibe.tui.transcript import Transcript

__all__ = ["offer_mcp_prompts"]


async def offer_mcp_prompts(conversation: Conversation, prompt: PromptInput, transcript: Transcript) -> None:
    """Once the conversation's servers are ready (or have given up), offers their prompts and
    tells once of each prompt that lost its name to another command."""
    warnings = await conversation.commands_settled()
    prompt.custom_commands = custom_items(conversation.commands)
    for warning in warnings:
        await transcript.notice(f"⚠ {warning}", "warn")

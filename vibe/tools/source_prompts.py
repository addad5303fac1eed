"""The prompts a tool source (an MCP server) offers: plain data, so the service can make them
slash commands without loading the MCP client that fetches them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PromptArgument", "SourcePrompt"]


@dataclass(frozen=True, slots=True)
class PromptArgument:
    name: str
    description: str
    required: bool


@dataclass(frozen=True, slots=True)
class SourcePrompt:
    """One prompt: `name` as the server knows it, its arguments in the order it declares them."""

    server: str
    name: str
    description: str
    arguments: tuple[PromptArgument, ...]

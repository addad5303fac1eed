"""A conversation's MCP prompts as slash commands: `/mcp__<server>__<prompt> args` fetches the
prompt with the typed arguments and sends its text as the user's prompt.

The words typed after the command fill the prompt's declared arguments in order (quotes group
words), the last argument taking the rest of the line as typed; a missing required argument is
one sentence naming it. Servers start in the background, so the commands join the catalog when
their server has listed its prompts (`settle_sources` waits for that).
"""

from __future__ import annotations

import asyncio
import io
import shlex
from collections.abc import Iterator
from functools import partial

from vibe.agent.loop import Agent
from vibe.extensions import PromptCommand
from vibe.service.host import ServiceError
from vibe.tools.base import ToolError, ToolSource
from vibe.tools.source_prompts import PromptArgument, SourcePrompt

__all__ = ["MCP_PREFIX", "bind_arguments", "prompt_commands", "settle_sources"]

MCP_PREFIX = "mcp__"


def prompt_commands(agent: Agent) -> list[PromptCommand]:
    """One command per prompt of the conversation's ready servers, in the order they listed."""
    return [
        PromptCommand(
            name=command_name(prompt),
            description=prompt.description or f"the prompt {prompt.name!r} of MCP server {prompt.server!r}",
            hint=_hint(prompt.arguments),
            source="mcp",
            path=None,
            render=partial(_fetch, source, prompt),
        )
        for source, prompt in _prompts(agent)
    ]


async def settle_sources(agent: Agent) -> None:
    """Waits until every tool source is ready or has given up (each bounded by its own start-up
    timeout), without taking the failure notices they hold for the user."""
    await asyncio.gather(*(source.settled() for source in agent.tools.sources()))


def command_name(prompt: SourcePrompt) -> str:
    return f"{MCP_PREFIX}{prompt.server}__{prompt.name}".lower()


def bind_arguments(prompt: SourcePrompt, typed: str) -> dict[str, str]:
    """The typed words as the prompt's arguments, in the order it declares them; the last one
    takes the rest of the line. ServiceError when a required one is missing."""
    declared = prompt.arguments
    values = _split(typed, len(declared)) if declared else []
    bound = {argument.name: value for argument, value in zip(declared, values, strict=False) if value}
    for argument in declared:
        if argument.required and argument.name not in bound:
            about = f" ({argument.description})" if argument.description else ""
            raise ServiceError(
                f"/{command_name(prompt)} needs the argument {argument.name!r}{about}: "
                f"type it after the command, as in /{command_name(prompt)}{_usage(declared)}"
            )
    return bound


def _prompts(agent: Agent) -> Iterator[tuple[ToolSource, SourcePrompt]]:
    for source in agent.tools.sources():
        for prompt in source.prompts():
            yield source, prompt


async def _fetch(source: ToolSource, prompt: SourcePrompt, typed: str) -> str:
    arguments = bind_arguments(prompt, typed)
    # A prompt without arguments gets what was typed added, so nothing the user said is lost.
    extra = f"\n\nARGUMENTS: {typed.strip()}" if not prompt.arguments and typed.strip() else ""
    try:
        text = await source.get_prompt(prompt.name, arguments)
    except ToolError as exc:
        raise ServiceError(str(exc)) from None
    if not text.strip():
        raise ServiceError(f"MCP server {prompt.server!r} gave the prompt {prompt.name!r} with no text")
    return text + extra


def _split(typed: str, count: int) -> list[str]:
    """Up to `count` values: the first `count - 1` words (quotes group words), then the rest of
    the line as typed."""
    stream = io.StringIO(typed.strip())
    lexer = shlex.shlex(stream, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    values: list[str] = []
    try:
        while len(values) < count - 1:
            word = lexer.get_token()
            if word is None or word == lexer.eof:
                return values
            values.append(word)
    except ValueError:  # an unclosed quote: take the words as typed
        return typed.split(maxsplit=count - 1)
    rest = stream.read().strip()
    if rest:
        values.append(rest)
    return values


def _hint(arguments: tuple[PromptArgument, ...]) -> str | None:
    return _usage(arguments).strip() or None


def _usage(arguments: tuple[PromptArgument, ...]) -> str:
    return "".join(f" <{a.name}>" if a.required else f" [{a.name}]" for a in arguments)

"""How many tokens a request will take, estimated before sending it.

The estimate counts everything the wire carries for a message (content, reasoning, tool call
names and arguments, some framing), so compaction and the window check agree on one number. The
endpoint's reported prompt tokens then correct it by a ratio (code and some languages take more
tokens per character than the rough estimate assumes).
"""

from __future__ import annotations

from collections.abc import Sequence

from vibe.agent.budget import estimate_tokens
from vibe.messages import AssistantMessage, Message, UserMessage
from vibe.model.types import ToolSpec
from vibe.notes import with_note_in_text

# Real ratios of reported to estimated tokens stay well inside this (CJK text is near 3, dense
# code near 1.5); a report outside it is a server counting something else (cached or cumulative
# tokens, or nothing at all), and trusting it would compact or refuse requests for no reason.
_PLAUSIBLE_RATIO = (0.2, 5.0)
_RATIO_CLAMP = (0.5, 3.0)
# What one image costs depends on its size and the model (about a thousand tokens for a
# screenshot on Mistral's models); a fixed guess keeps the window check honest enough.
IMAGE_TOKENS = 1_500


def message_tokens(message: Message) -> int:
    match with_note_in_text(message):  # as the wire carries it
        case AssistantMessage(content=content, reasoning=reasoning, tool_calls=calls):
            chars = len(content) + len(reasoning) + sum(len(c.name) + len(c.arguments) for c in calls)
        case UserMessage(content=content, images=images) if images:
            return estimate_tokens(len(content)) + 4 + IMAGE_TOKENS * len(images)
        case _:
            chars = len(message.content)
    return estimate_tokens(chars) + 4  # role and framing


def history_tokens(history: Sequence[Message]) -> int:
    return sum(message_tokens(message) for message in history)


def specs_tokens(specs: Sequence[ToolSpec]) -> int:
    return estimate_tokens(sum(len(s.name) + len(s.description) + len(str(s.parameters)) for s in specs))


def calibrated_ratio(current: float, reported: int, estimated: int) -> float:
    """The new tokens-per-estimated-token ratio after the endpoint reported `reported` prompt
    tokens for a request estimated at `estimated`; implausible reports leave it as it was."""
    if reported <= 0 or estimated <= 0:
        return current
    ratio = reported / estimated
    if not _PLAUSIBLE_RATIO[0] <= ratio <= _PLAUSIBLE_RATIO[1]:
        return current
    return min(max(ratio, _RATIO_CLAMP[0]), _RATIO_CLAMP[1])

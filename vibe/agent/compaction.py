"""Keeping a long conversation inside the model's context window.

Before a request that would fill more than `threshold` of the window (or when the user asks with
/compact) the history is made smaller, cheapest step first:

1. Prune: outputs of tool calls older than the recent part are replaced by a one-line note.
   The conversation keeps its shape and the model can call the tool again.
2. Summarise, if that is not enough: the older part is replaced by a summary the model writes
   (prompts/compaction.md), headed by the user's first request verbatim, so the task itself is
   never paraphrased away. The recent part (`keep_recent` of the window) stays as it was.

The result is a valid chat on its own: the summary is a user message, acknowledged by an
assistant message when the kept part starts with the user's turn, so roles keep alternating.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from vibe.agent import events as ev
from vibe.agent.budget import estimate_tokens
from vibe.agent.markers import is_summary
from vibe.messages import AssistantMessage, Message, SystemMessage, ToolMessage, UserMessage
from vibe.model import deltas
from vibe.model.client import ChatModel
from vibe.model.types import ModelError, Sampling
from vibe.prompts import load_prompt

# Tool outputs shorter than this cost less than the note replacing them would save.
_PRUNE_MIN_CHARS = 400
# What the summariser sees of each tool output, tool call and the first request.
_RESULT_CHARS = 1_500
_ARGUMENT_CHARS = 400
_FIRST_REQUEST_CHARS = 8_000
# The transcript sent to the summariser, as a share of the window (the rest is its answer).
_TRANSCRIPT_SHARE = 0.6
_SUMMARY_MAX_TOKENS = 4_096


@dataclass(frozen=True, slots=True)
class CompactionSettings:
    auto: bool = True
    # Compact before a request estimated to fill more than this share of the window.
    threshold: float = 0.8
    # Share of the window kept verbatim at the end of the history.
    keep_recent: float = 0.25


@dataclass(frozen=True, slots=True)
class Compacted:
    history: list[Message]
    pruned_outputs: int
    summarised_messages: int


class CompactionError(Exception):
    """The summary could not be written; the message says why in a few words."""


@dataclass(frozen=True, slots=True)
class Sizes:
    """What the agent knows of the next request's size, in tokens."""

    window: int | None
    tokens_before: int
    # The system prompt and tool schemas: sent with every request, whatever the history.
    fixed_tokens: int
    # Endpoint-reported tokens per estimated token.
    token_ratio: float


async def compact_and_report(
    history: Sequence[Message],
    model: ChatModel,
    sampling: Sampling,
    settings: CompactionSettings,
    sizes: Sizes,
    *,
    trigger: ev.CompactionTrigger,
    instructions: str | None,
    emit: ev.Emit,
    measure: Callable[[Sequence[Message]], int],
) -> list[Message] | str:
    """Compacts with the start and end reported as events: the new history, or why not."""
    before = sizes.tokens_before
    emit(ev.CompactionStarted(trigger=trigger, tokens_before=before, context_window=sizes.window))
    window = sizes.window or max(2 * before, 32_000)  # /compact with no known window
    manual = trigger == "manual"
    ratio = sizes.token_ratio
    try:
        compacted = await compact(
            history,
            model,
            sampling,
            window,
            # /compact summarises all but the latest message; automatic compaction keeps the
            # recent part of the work as it is.
            keep_tokens=0 if manual else int(window * settings.keep_recent / ratio),
            # Well under the threshold, so the next requests do not compact again at once.
            target_tokens=int((window * settings.threshold * 0.75 - sizes.fixed_tokens) / ratio),
            instructions=instructions,
            force_summary=manual,
        )
    except (CompactionError, ModelError) as exc:
        reason = exc.message if isinstance(exc, ModelError) else str(exc)
        emit(
            ev.CompactionFinished(
                trigger=trigger,
                tokens_before=before,
                tokens_after=before,
                pruned_outputs=0,
                summarised_messages=0,
                error=reason,
            )
        )
        return reason
    emit(
        ev.CompactionFinished(
            trigger=trigger,
            tokens_before=before,
            tokens_after=measure(compacted.history),
            pruned_outputs=compacted.pruned_outputs,
            summarised_messages=compacted.summarised_messages,
        )
    )
    return compacted.history


def message_tokens(message: Message) -> int:
    match message:
        case AssistantMessage(content=content, reasoning=reasoning, tool_calls=calls):
            chars = len(content) + len(reasoning) + sum(len(c.name) + len(c.arguments) for c in calls)
        case _:
            chars = len(message.content)
    return estimate_tokens(chars) + 4  # role and framing


def history_tokens(history: Sequence[Message]) -> int:
    return sum(message_tokens(message) for message in history)


def recent_start(history: Sequence[Message], keep_tokens: int) -> int:
    """Where the part kept verbatim starts: the earliest user or assistant message whose
    suffix fits `keep_tokens` (at least the last such message, whatever its size). An assistant
    message keeps its tool results with it, so no call is ever separated from its answer."""
    start = len(history)
    total = 0
    for index in range(len(history) - 1, -1, -1):
        total += message_tokens(history[index])
        if isinstance(history[index], UserMessage | AssistantMessage):
            if total > keep_tokens and start < len(history):
                break
            start = index
    return start


def prune(history: Sequence[Message], end: int) -> tuple[list[Message], int]:
    """Tool outputs before `end` replaced by a note; how many were."""
    pruned: list[Message] = []
    count = 0
    for index, message in enumerate(history):
        if index < end and isinstance(message, ToolMessage) and len(message.content) > _PRUNE_MIN_CHARS:
            note = (
                f"[output elided to save context ({len(message.content):,} characters); "
                "run the tool again if you need it]"
            )
            pruned.append(message.model_copy(update={"content": note}))
            count += 1
        else:
            pruned.append(message)
    return pruned, count


async def compact(
    history: Sequence[Message],
    model: ChatModel,
    sampling: Sampling,
    window: int,
    *,
    keep_tokens: int,
    target_tokens: int,
    instructions: str | None = None,
    force_summary: bool = False,
) -> Compacted:
    """A smaller history: pruned if that brings it under `target_tokens` (and no summary was
    asked for), else summarised, keeping the last `keep_tokens` or so verbatim. Raises
    CompactionError (or the model's ModelError) when a needed summary fails."""
    start = recent_start(history, keep_tokens)
    pruned, count = prune(history, start)
    if start == 0 or (not force_summary and history_tokens(pruned) <= target_tokens):
        return Compacted(pruned, count, 0)
    head, recent = pruned[:start], pruned[start:]
    transcript = render_transcript(head, int(window * _TRANSCRIPT_SHARE) * 4)
    summary = await summarise(model, sampling, transcript, instructions, window)
    opening = load_prompt("compaction_summary.md").format(
        first_request=first_request(history)[:_FIRST_REQUEST_CHARS], summary=summary
    )
    compacted: list[Message] = [UserMessage(content=opening)]
    if not recent or isinstance(recent[0], UserMessage):
        compacted.append(AssistantMessage(content=load_prompt("compaction_ack.md")))
    compacted.extend(recent)
    return Compacted(compacted, count, len(head))


def is_acknowledgement(message: Message) -> bool:
    """The assistant's reply to a summary, written by compaction rather than by the model."""
    return isinstance(message, AssistantMessage) and message.content == load_prompt("compaction_ack.md")


def first_request(history: Sequence[Message]) -> str:
    """The user's first request, also when an earlier compaction already summarised it."""
    for message in history:
        if not isinstance(message, UserMessage):
            continue
        if is_summary(message.content):
            found = _first_request_in_summary(message.content)
            if found is not None:
                return found
            continue
        return message.content
    return ""


def _first_request_in_summary(content: str) -> str | None:
    before, _, after = load_prompt("compaction_summary.md").partition("{first_request}")
    between, _, _ = after.partition("{summary}")
    match = re.match(re.escape(before) + r"(?P<request>.*?)" + re.escape(between), content, re.DOTALL)
    return match.group("request") if match else None


def render_transcript(head: Sequence[Message], budget_chars: int) -> str:
    """The older conversation as plain text for the summariser; over budget, the middle goes
    (the first request and the latest messages matter most)."""
    blocks = [_render(message) for message in head]
    if sum(len(block) for block in blocks) <= budget_chars or len(blocks) < 3:
        return "\n\n".join(blocks)[: max(budget_chars, 0)]
    kept_tail: list[str] = []
    used = len(blocks[0])
    for block in reversed(blocks[1:]):
        if used + len(block) > budget_chars:
            break
        kept_tail.append(block)
        used += len(block)
    omitted = len(blocks) - 1 - len(kept_tail)
    note = f"[{omitted} messages omitted here to fit]"
    return "\n\n".join([blocks[0][:budget_chars], note, *reversed(kept_tail)])


def _render(message: Message) -> str:
    match message:
        case UserMessage(content=content) if is_summary(content):
            return f"EARLIER SUMMARY:\n{content}"
        case UserMessage(content=content):
            return f"USER:\n{content}"
        case AssistantMessage(content=content, tool_calls=calls):
            lines = [f"AGENT:\n{content}"] if content.strip() else []
            lines += [f"AGENT CALLED {call.name} {_clip(call.arguments, _ARGUMENT_CHARS)}" for call in calls]
            return "\n".join(lines) or "AGENT: (no text)"
        case ToolMessage(name=name, content=content):
            return f"RESULT OF {name}:\n{_clip(content, _RESULT_CHARS)}"
        case SystemMessage(content=content):
            return f"SYSTEM:\n{content}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}… [{len(text) - limit:,} more characters]"


async def summarise(
    model: ChatModel, sampling: Sampling, transcript: str, instructions: str | None, window: int
) -> str:
    request = f"Transcript of the conversation so far:\n\n{transcript}"
    if instructions:
        request += f"\n\nThe user asks the summary to focus on: {instructions}"
    messages: list[Message] = [
        SystemMessage(content=load_prompt("compaction.md")),
        UserMessage(content=request),
    ]
    limited = replace(sampling, max_tokens=min(_SUMMARY_MAX_TOKENS, max(window // 8, 256)))
    parts: list[str] = []
    async for delta in model.stream(messages, (), limited):
        match delta:
            case deltas.TextDelta(text=text):
                parts.append(text)
            case deltas.Retrying():
                parts.clear()  # the attempt starts over
            case _:
                pass
    summary = "".join(parts).strip()
    if not summary:
        raise CompactionError("the model returned an empty summary")
    return summary

"""Keeping a long conversation inside the model's context window.

Before a request that would fill more than `threshold` of the window (or when the user asks with
/compact) the history is made smaller, cheapest step first:

1. Prune: outputs of tool calls older than the recent part are replaced by a one-line note.
   The conversation keeps its shape and the model can call the tool again.
2. Summarise, if that is not enough: the older part is replaced by a summary the model writes
   (prompts/compaction.md), headed by the user's first request verbatim, so the task itself is
   never paraphrased away, and by the plan in force (the last `todo` list) when the summarised
   part set it (vibe.agent.compaction_carry). The recent part (`keep_recent` of the window)
   stays as it was.

The result is a valid chat on its own: the summary is a user message, acknowledged by an
assistant message when the kept part starts with the user's turn, so roles keep alternating.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from vibe.agent.compaction_carry import (
    clip_request,
    first_request,
    latest_plan,
    latest_request_section,
    plan_section,
)
from vibe.agent.context_size import history_tokens, message_tokens
from vibe.messages import AssistantMessage, Message, SystemMessage, ToolMessage, Usage, UserMessage
from vibe.model import deltas
from vibe.model.client import ChatModel
from vibe.model.errors import context_overflow
from vibe.model.types import ModelError, Sampling
from vibe.notes import SUMMARY_NOTE, is_summary, with_note_in_text
from vibe.prompts import load_prompt
from vibe.protocol import events as ev

__all__ = ["CompactionSettings"]

# Tool outputs shorter than this cost less than the note replacing them would save.
_PRUNE_MIN_CHARS = 400
# What the summariser sees of each tool output, tool call and the first request.
_RESULT_CHARS = 1_500
_ARGUMENT_CHARS = 400
# The first request is kept verbatim up to this share of the window (at least the minimum).
_FIRST_REQUEST_SHARE = 0.2
_FIRST_REQUEST_MIN_CHARS = 2_000
# The transcript sent to the summariser, as a share of the window (the rest is its answer).
_TRANSCRIPT_SHARE = 0.6
# At most this share of the transcript goes to its first message (the first request or the
# earlier summary), so the latest work is always in it too.
_TRANSCRIPT_HEAD_SHARE = 0.5
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
    # What the summary request cost (nothing when pruning was enough).
    usage: Usage = field(default_factory=Usage)


@dataclass(frozen=True, slots=True)
class Outcome:
    """A compaction's end: the new history, or why there is none; and what it cost either way."""

    history: list[Message] | None
    error: str | None
    usage: Usage


class CompactionError(Exception):
    """The summary could not be written; the message says why in a few words."""

    def __init__(self, message: str, usage: Usage | None = None) -> None:
        super().__init__(message)
        self.usage = usage or Usage()


@dataclass(frozen=True, slots=True)
class Sizes:
    """What the agent knows of the next request's size, in tokens."""

    window: int | None
    tokens_before: int
    # The system prompt and tool schemas: sent with every request, whatever the history.
    fixed_tokens: int
    # Endpoint-reported tokens per estimated token.
    token_ratio: float


def is_due(settings: CompactionSettings, window: int | None, estimate: int) -> bool:
    """Whether a request of `estimate` tokens should be preceded by an automatic compaction."""
    return window is not None and settings.auto and estimate > window * settings.threshold


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
) -> Outcome:
    """Compacts with the start and end reported as events (the end also when cancelled, so a
    frontend never shows a compaction running forever)."""
    before = sizes.tokens_before
    emit(ev.CompactionStarted(trigger=trigger, tokens_before=before, context_window=sizes.window))
    window = sizes.window or max(2 * before, 32_000)  # /compact with no known window
    manual = trigger == "manual"
    ratio = sizes.token_ratio

    def failed(reason: str) -> ev.CompactionFinished:
        return ev.CompactionFinished(
            trigger=trigger,
            tokens_before=before,
            tokens_after=before,
            pruned_outputs=0,
            summarised_messages=0,
            error=reason,
        )

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
            token_ratio=ratio,
        )
    except asyncio.CancelledError:
        emit(failed("cancelled"))
        raise
    except CompactionError as exc:
        emit(failed(str(exc)))
        return Outcome(None, str(exc), exc.usage)
    except ModelError as exc:
        emit(failed(exc.message))
        return Outcome(None, exc.message, Usage())
    emit(
        ev.CompactionFinished(
            trigger=trigger,
            tokens_before=before,
            tokens_after=measure(compacted.history),
            pruned_outputs=compacted.pruned_outputs,
            summarised_messages=compacted.summarised_messages,
        )
    )
    return Outcome(compacted.history, None, compacted.usage)


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
    """Tool outputs before `end` replaced by a note (all but the plan in force); how many were."""
    pruned: list[Message] = []
    count = 0
    plan = latest_plan(history)
    for index, message in enumerate(history):
        if (
            index < end
            and index != plan
            and isinstance(message, ToolMessage)
            and len(message.content) > _PRUNE_MIN_CHARS
        ):
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
    token_ratio: float = 1.0,
) -> Compacted:
    """A smaller history: pruned if that brings it under `target_tokens` (and no summary was
    asked for), else summarised, keeping the last `keep_tokens` or so verbatim. Raises
    CompactionError (or the model's ModelError) when a needed summary fails."""
    start = recent_start(history, keep_tokens)
    pruned, count = prune(history, start)
    if start == 0 or (not force_summary and history_tokens(pruned) <= target_tokens):
        return Compacted(pruned, count, 0)
    head, recent = pruned[:start], pruned[start:]
    # Characters per window token, as the endpoint counts them (about 4 / ratio).
    chars_per_token = 4 / token_ratio
    # The summariser's instructions travel in the same request: the transcript gets the rest.
    fixed_chars = len(load_prompt("compaction.md")) + len(instructions or "") + 200
    budget = int(window * _TRANSCRIPT_SHARE * chars_per_token) - fixed_chars
    transcript = render_transcript(head, max(budget, 1_000))
    summary, usage = await summarise(model, sampling, transcript, instructions, window)
    request_limit = max(int(window * _FIRST_REQUEST_SHARE * chars_per_token), _FIRST_REQUEST_MIN_CHARS)
    opening = load_prompt("compaction_summary.md").format(
        first_request=clip_request(first_request(history), request_limit),
        summary=summary + latest_request_section(history, start, request_limit),
        plan=plan_section(history, start),
    )
    compacted: list[Message] = [UserMessage(content=opening, note=SUMMARY_NOTE)]
    if not recent or isinstance(recent[0], UserMessage):
        compacted.append(AssistantMessage(content=load_prompt("compaction_ack.md")))
    compacted.extend(recent)
    return Compacted(compacted, count, len(head), usage)


def is_acknowledgement(message: Message) -> bool:
    """The assistant's reply to a summary, written by compaction rather than by the model."""
    return isinstance(message, AssistantMessage) and message.content == load_prompt("compaction_ack.md")


def render_transcript(head: Sequence[Message], budget_chars: int) -> str:
    """The older conversation as plain text for the summariser; over budget, the middle goes
    (the first request and the latest messages matter most)."""
    blocks = [_render(message) for message in head]
    if sum(len(block) for block in blocks) <= budget_chars:
        return "\n\n".join(blocks)
    first = _clip(blocks[0], int(budget_chars * _TRANSCRIPT_HEAD_SHARE))
    kept_tail: list[str] = []
    used = len(first)
    for block in reversed(blocks[1:]):
        if used + len(block) > budget_chars:
            if not kept_tail:  # the latest message, clipped, rather than none of the recent work
                kept_tail.append(_clip(block, max(budget_chars - used, 0)))
            break
        kept_tail.append(block)
        used += len(block)
    omitted = len(blocks) - 1 - len(kept_tail)
    note = [f"[{omitted} messages omitted here to fit]"] if omitted else []
    return "\n\n".join([first, *note, *reversed(kept_tail)])


def _render(message: Message) -> str:
    summary = is_summary(message)
    match with_note_in_text(message):  # the summariser reads what the model read
        case UserMessage(content=content) if summary:
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
) -> tuple[str, Usage]:
    """The summary and what its request cost."""
    request = f"Transcript of the conversation so far:\n\n{transcript}"
    if instructions:
        request += f"\n\nThe user asks the summary to focus on: {instructions}"
    messages: list[Message] = [
        SystemMessage(content=load_prompt("compaction.md")),
        UserMessage(content=request),
    ]
    limited = replace(sampling, max_tokens=min(_SUMMARY_MAX_TOKENS, max(window // 8, 256)))
    parts: list[str] = []
    usage = Usage()
    async for delta in model.stream(messages, (), limited):
        match delta:
            case deltas.TextDelta(text=text):
                parts.append(text)
            case deltas.UsageDelta(usage=reported):
                usage = reported
            case deltas.Retrying():
                parts.clear()  # the attempt starts over
            case _:
                pass
    summary = "".join(parts).strip()
    if not summary:
        raise CompactionError("the model returned an empty summary", usage)
    return summary, usage


def window_after_overflow(error: ModelError, window: int | None, estimate: int) -> int | None:
    """The context window to assume after the endpoint refused a request of about `estimate`
    tokens as too long: the limit it stated, else a little under that request (our estimate
    was too low, or the window unknown). None when `error` is not such a refusal."""
    overflow = context_overflow(error)
    if overflow is None:
        return None
    learned = overflow.window or int(estimate * 0.9)
    return min(learned, window) if window is not None else learned

"""What a compaction summary carries word for word rather than paraphrased: the user's first
request, their latest one (the request the current work answers) and the current plan (the
`todo` list), so repeated compactions never drift from the task and the plan survives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vibe.messages import Message, ToolMessage, UserMessage
from vibe.notes import is_summary
from vibe.prompts import load_prompt
from vibe.tools.todo import TodoTool

_CUT = re.compile(r"\n\[… ([\d,]+) more characters of this request were cut to fit the context window\]\Z")
_PLAN_PREFIXES = ("Plan updated (", "Plan cleared.")
_PLAN_HEADING = "\n\nThe current plan (the last todo list set), as it stands:\n\n"
_LATEST_HEADING = (
    "\n\nThe user's latest request, which the work since has been answering, as they wrote it:\n\n"
)


def first_request(history: Sequence[Message]) -> str:
    """The user's first request, also when an earlier compaction already summarised it."""
    for message in history:
        if not isinstance(message, UserMessage):
            continue
        if not is_summary(message):
            return message.content
        found = _first_request_in_summary(message.content)
        # A summary in another shape (an older version's) still holds the request: never take
        # a later message for the first one.
        return found if found is not None else message.content.strip()
    return ""


def _first_request_in_summary(content: str) -> str | None:
    before, _, after = load_prompt("compaction_summary.md").partition("{first_request}")
    between, _, _ = after.partition("{summary}")
    match = re.match(re.escape(before) + r"(?P<request>.*?)" + re.escape(between), content, re.DOTALL)
    return match.group("request") if match else None


def clip_request(request: str, limit: int) -> str:
    """The request, or its first `limit` characters and a note of how much was cut. Stable:
    clipping an already clipped request to the same limit gives it back unchanged."""
    cut = 0
    if match := _CUT.search(request):
        request, cut = request[: match.start()], int(match.group(1).replace(",", ""))
    if len(request) > limit:
        request, cut = request[:limit], cut + len(request) - limit
    if not cut:
        return request
    return f"{request}\n[… {cut:,} more characters of this request were cut to fit the context window]"


def latest_plan(history: Sequence[Message]) -> int | None:
    """Index of the result of the last successful `todo` call: the plan in force."""
    for index in range(len(history) - 1, -1, -1):
        message = history[index]
        if (
            isinstance(message, ToolMessage)
            and message.name == TodoTool.name
            and message.content.startswith(_PLAN_PREFIXES)
        ):
            return index
    return None


def plan_section(history: Sequence[Message], start: int) -> str:
    """The plan in force when it is set in the part being summarised (before `start`), for the
    summary message; "" when there is none or the kept part sets it anyway."""
    index = latest_plan(history)
    if index is not None:
        plan = history[index].content
        return _PLAN_HEADING + plan if index < start and plan.startswith(_PLAN_PREFIXES[0]) else ""
    # No todo call since an earlier compaction: that summary carries the plan at its end.
    for message in history[:start]:
        if is_summary(message):
            _, heading, plan = message.content.rpartition(_PLAN_HEADING)
            return heading + plan if heading else ""
    return ""


def latest_request_section(history: Sequence[Message], start: int, limit: int) -> str:
    """The user's latest request when it is in the part being summarised (before `start`) and
    is not the first request, for the summary message; "" otherwise. In a long run started by
    one prompt, that prompt is the task of everything that follows: never paraphrase it."""
    first_index = next(
        (i for i, m in enumerate(history) if isinstance(m, UserMessage) and not is_summary(m)), None
    )
    for index in range(len(history) - 1, -1, -1):
        message = history[index]
        if not isinstance(message, UserMessage):
            continue
        if is_summary(message):
            # No newer request: the earlier summary's section (if any) still holds, as it was.
            before_plan, _, _ = message.content.rpartition(_PLAN_HEADING)
            _, heading, request = (before_plan or message.content).rpartition(_LATEST_HEADING)
            return heading + request if heading and index < start else ""
        if index >= start or index == first_index:
            return ""
        return _LATEST_HEADING + clip_request(message.content, limit)
    return ""

"""The wall-clock limit on one tool call (`[limits] tool_timeout`).

Applied where the dispatcher awaits a call, so it holds for every tool, built-in or not. Hitting
it cancels the call's task: tools stop their processes and threads on cancellation, the same
path an interrupted run takes. A tool that enforces a timeout of its own (bash's
`timeout_seconds`) declares it on its invocation; the general limit then waits that long plus a
grace for the tool's own clean-up, so it never cuts a longer timeout the model asked for short.
"""

from __future__ import annotations

import asyncio

from vibe.tools.base import Invocation, ToolResult

# Time a tool needs after its own timeout fires to stop a process group and report.
OWN_TIMEOUT_GRACE_SECONDS = 15.0


def call_limit(limit: float | None, own_timeout: float | None) -> float | None:
    """Seconds the dispatcher allows a call, or None for no limit."""
    if own_timeout is None:
        return limit
    own_bound = own_timeout + OWN_TIMEOUT_GRACE_SECONDS
    return own_bound if limit is None else max(limit, own_bound)


async def execute_within_limit(invocation: Invocation, tool_name: str, limit: float | None) -> ToolResult:
    """`invocation.execute()`, cancelled and reported as an error once the limit has passed."""
    seconds = call_limit(limit, invocation.own_timeout)
    if seconds is None:
        return await invocation.execute()
    deadline = asyncio.timeout(seconds)
    try:
        async with deadline:
            return await invocation.execute()
    except TimeoutError:
        if not deadline.expired():
            raise  # the tool's own TimeoutError, not ours
    return ToolResult.error(
        f"{tool_name} was stopped after {seconds:g} s, the limit for one tool call "
        "([limits] tool_timeout). Ask for less at once (a narrower path, pattern or glob) and try again."
    )

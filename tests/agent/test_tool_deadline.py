"""The per-call wall-clock limit: a tool that runs too long is stopped and the model told why."""

from __future__ import annotations

import asyncio

from vibe.agent.tool_deadline import OWN_TIMEOUT_GRACE_SECONDS, call_limit, execute_within_limit
from vibe.tools.base import Invocation, ToolResult


async def test_a_call_past_the_limit_is_cancelled_and_reported() -> None:
    cleaned_up = asyncio.Event()
    never = asyncio.Event()

    async def execute() -> ToolResult:
        try:
            await never.wait()
        finally:
            cleaned_up.set()  # cancellation reached the tool, so it could stop its processes
        return ToolResult(output="unreachable")

    result = await execute_within_limit(Invocation(title="t", execute=execute), "grep", 0.05)
    assert not result.ok
    assert result.output.startswith("grep was stopped after 0.05 s")
    assert "[limits] tool_timeout" in result.output
    assert cleaned_up.is_set()


async def test_a_call_within_the_limit_returns_its_result() -> None:
    async def execute() -> ToolResult:
        return ToolResult(output="found")

    result = await execute_within_limit(Invocation(title="t", execute=execute), "grep", 5)
    assert result == ToolResult(output="found")


async def test_a_timeout_raised_by_the_tool_itself_is_not_mistaken_for_the_limit() -> None:
    async def execute() -> ToolResult:
        raise TimeoutError("the tool's own network timeout")

    invocation = Invocation(title="t", execute=execute)
    try:
        await execute_within_limit(invocation, "fetch", 5)
    except TimeoutError as exc:
        assert "own network timeout" in str(exc)
    else:
        raise AssertionError("the tool's TimeoutError was swallowed")


def test_a_tool_with_its_own_longer_timeout_keeps_it() -> None:
    # bash asked for 600 s: the general limit must not cut it at 120 s.
    assert call_limit(120, own_timeout=600) == 600 + OWN_TIMEOUT_GRACE_SECONDS
    # A shorter own timeout leaves the general limit in force as the outer bound.
    assert call_limit(120, own_timeout=5) == 120
    assert call_limit(120, own_timeout=None) == 120
    assert call_limit(None, own_timeout=None) is None


async def test_an_own_timeout_outlasts_a_shorter_general_limit() -> None:
    finished = asyncio.Event()
    loop = asyncio.get_running_loop()

    async def execute() -> ToolResult:
        # Finishes after the general limit (0.05 s) but well inside its own (10 s).
        loop.call_later(0.3, finished.set)
        await finished.wait()
        return ToolResult(output="done")

    invocation = Invocation(title="t", execute=execute, own_timeout=10)
    result = await execute_within_limit(invocation, "bash", 0.05)
    assert result.output == "done"

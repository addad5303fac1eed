"""The todo tool: the plan travels in the result."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from pydantic import ValidationError

from vibe.tools.base import Invocation, TodoItem, ToolContext, ToolResult
from vibe.tools.todo import TodoArgs, TodoTool

RunTool = Callable[..., Awaitable[ToolResult]]


async def test_plan_is_returned_and_rendered(run_tool: RunTool) -> None:
    todos = [
        {"content": "Read the parser", "status": "completed"},
        {"content": "Fix the off-by-one", "status": "in_progress"},
        {"content": "Add a regression test", "status": "pending"},
    ]
    result = await run_tool(TodoTool(), todos=todos)
    assert result.ok
    assert result.plan == (
        TodoItem(content="Read the parser", status="completed"),
        TodoItem(content="Fix the off-by-one", status="in_progress"),
        TodoItem(content="Add a regression test", status="pending"),
    )
    assert result.output == (
        "Plan updated (1/3 done):\n[x] Read the parser\n[>] Fix the off-by-one\n[ ] Add a regression test"
    )


async def test_empty_plan_clears(run_tool: RunTool) -> None:
    result = await run_tool(TodoTool(), todos=[])
    assert result.plan == ()
    assert result.output == "Plan cleared."


def test_unknown_status_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        TodoArgs.model_validate({"todos": [{"content": "x", "status": "done"}]})


async def test_two_items_in_progress_are_refused(ctx: ToolContext) -> None:
    args = TodoArgs.model_validate(
        {"todos": [{"content": "a", "status": "in_progress"}, {"content": "b", "status": "in_progress"}]}
    )
    prepared = await TodoTool().prepare(args, ctx)
    assert isinstance(prepared, ToolResult)
    assert not prepared.ok
    assert "at most one in_progress" in prepared.output


async def test_blank_content_is_refused(ctx: ToolContext) -> None:
    args = TodoArgs.model_validate({"todos": [{"content": "  ", "status": "pending"}]})
    prepared = await TodoTool().prepare(args, ctx)
    assert not isinstance(prepared, Invocation)
    assert not prepared.ok

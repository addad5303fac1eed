"""The `todo` tool: the model's working plan, replaced whole on every call.

Nothing is stored here: the plan travels in the result (`ToolResult.plan`), from where events
carry it to frontends and the session log keeps it.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, TodoItem, Tool, ToolContext, ToolResult

__all__ = ["TodoTool"]

_STATUS_MARK = {"completed": "[x]", "in_progress": "[>]", "pending": "[ ]"}


class TodoArgs(BaseModel):
    todos: list[TodoItem] = Field(description="The complete plan; replaces the previous one.")


def render_plan(items: tuple[TodoItem, ...]) -> str:
    if not items:
        return "Plan cleared."
    done = sum(item.status == "completed" for item in items)
    lines = [f"Plan updated ({done}/{len(items)} done):"]
    lines.extend(f"{_STATUS_MARK[item.status]} {item.content}" for item in items)
    return "\n".join(lines)


class TodoTool(Tool[TodoArgs]):
    name = "todo"
    args_model = TodoArgs
    kind = "think"
    read_only = True

    async def prepare(self, args: TodoArgs, ctx: ToolContext) -> Invocation | ToolResult:
        items = tuple(TodoItem(content=item.content.strip(), status=item.status) for item in args.todos)
        if any(not item.content for item in items):
            return ToolResult.error("Every todo needs non-empty content.")
        in_progress = [item.content for item in items if item.status == "in_progress"]
        if len(in_progress) > 1:
            listed = "; ".join(in_progress)
            return ToolResult.error(
                f"{len(in_progress)} items are in_progress ({listed}); keep at most one in_progress "
                "and mark the others pending or completed."
            )

        async def execute() -> ToolResult:
            return ToolResult(output=render_plan(items), plan=items)

        return Invocation(title="Update plan", execute=execute)

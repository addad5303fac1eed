"""The current todo plan, pinned above the prompt while it has open items.

In the transcript a plan scrolls away with everything else; the task list is what tells the
user where a long run stands, so the latest one stays in view until every item is done (then
the finished plan is left in the transcript, as a record). Ctrl+T, or a click, folds it to its
heading line and back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.widgets import Static

from vibe.tui.render import plan_text

if TYPE_CHECKING:  # the engine loads after the first frame
    from vibe.tools.base import TodoItem


class PinnedPlan(Static):
    def __init__(self) -> None:
        super().__init__("", id="pinned-plan", classes="plan")
        self.todos: list[TodoItem] = []
        self.folded = False
        self.display = False

    def show(self, todos: list[TodoItem]) -> bool:
        """Pin `todos`; False (and hidden) once none is open, so the caller records the plan."""
        self.todos = list(todos)
        open_items = any(item.status != "completed" for item in todos)
        self.display = open_items
        self._render_plan()
        return open_items

    def toggle(self) -> None:
        self.folded = not self.folded
        self._render_plan()

    def clear(self) -> None:
        self.todos = []
        self.display = False

    def _render_plan(self) -> None:
        text = plan_text(self.todos)
        if self.folded:
            text = text.split("\n")[0]
            text.append("  (Ctrl+T shows it)", style="dim")
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.toggle()

"""The trust prompt: a repository's `.vibe/` asks for settings that loosen vibe.

Shown once, before the first conversation opens, when the folder has settings (or agents,
commands, skills, hooks) the user has not trusted for their current content: what they are (or
what changed since the folder was trusted), and two answers: trust them now, or not now (they
stay ignored for this run and vibe asks again next time).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from vibe.tui.backend import TrustQuestion
from vibe.unicode_text import for_terminal


class TrustScreen(ModalScreen[bool]):
    """Dismissed with True to trust the folder, False for "not now"."""

    BINDINGS = [  # noqa: RUF012 - textual's declared shape
        Binding("escape,n", "answer(False)", "Not now"),
        Binding("t,y", "answer(True)", "Trust", show=False),
    ]

    def __init__(self, question: TrustQuestion) -> None:
        super().__init__(classes="approval-screen")
        self.question = question

    def compose(self) -> ComposeResult:
        question = self.question
        with Vertical(id="approval"):
            yield Static(Text(for_terminal(f"Trust {question.root}?"), style="bold"), id="approval-title")
            if question.changed:
                reason = "Its .vibe/ changed since you trusted it. What changed:"
                lines = question.changed
            else:
                reason = "Its .vibe/ asks for settings that loosen vibe, ignored until you trust the folder:"
                lines = question.keys
            yield Static(Text(reason), id="approval-reason")
            with VerticalScroll(id="approval-detail"):
                # File names from the repository: shown, never acted on by the terminal.
                yield Static(Text(for_terminal("\n".join(f"  {line}" for line in lines))))
            yield OptionList(
                Option("t  Trust this folder as it is now", id="trust"),
                Option("n  Not now (ignore them for this run)", id="not-now"),
                id="approval-choices",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_answer(event.option.id == "trust")

    def action_answer(self, trust: bool) -> None:
        self.dismiss(trust)

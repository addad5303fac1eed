"""A small modal list picker (sessions for /resume, models for /model, modes for /mode)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from vibe.unicode_text import for_terminal


class PickerScreen(ModalScreen[str | None]):
    """Enter picks, Esc cancels; the answer is the chosen item's id."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]  # noqa: RUF012 - textual's declared shape

    def __init__(self, title: str, items: list[tuple[str, str]]) -> None:
        super().__init__(classes="picker-screen")
        self._title = title
        self._items = items

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(for_terminal(self._title)), id="picker-title")
            # Plain text, not markup: a model or session name may hold square brackets.
            options = [Option(Text(for_terminal(label)), id=value) for value, label in self._items]
            yield OptionList(*options, id="picker-list")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

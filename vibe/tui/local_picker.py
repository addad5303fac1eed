"""The local-server picker: nothing is configured to talk to, but servers on this machine's
loopback answer. The user picks one of their models, or quits.

Finding a server is not choosing it: on a shared machine a port on 127.0.0.1 may be another
user's, and whatever vibe sends goes to it, prompts and the repository's code included. So the
screen says so, nothing is pre-selected by a keypress the user did not mean (Enter picks the
highlighted row, which the user can see), and Esc quits without sending anything.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from vibe.tui.backend import LocalModel
from vibe.unicode_text import for_terminal

TITLE = "No model is configured. Use one served on this machine?"
WARNING = (
    "Your prompts and this repository's code will go to the server you pick. On a shared "
    "machine a port on 127.0.0.1 may be someone else's: pick only a server you run."
)
HOW_TO_SKIP = "Esc quits. Next time: vibe --local URL --model NAME, or set VIBE_BASE_URL / a key."


class LocalModelScreen(ModalScreen[LocalModel | None]):
    """Dismissed with the model chosen, or None (Esc)."""

    BINDINGS = [Binding("escape", "cancel", "Quit")]  # noqa: RUF012 - textual's declared shape

    def __init__(self, offers: list[LocalModel]) -> None:
        super().__init__(classes="picker-screen")
        self.offers = offers

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(TITLE), id="picker-title")
            yield Static(Text(WARNING, style="ansi_yellow"), id="local-warning")
            # What a server lists is its own text: shown, never interpreted as markup.
            options = [
                Option(
                    Text(for_terminal(f"{offer.model}  ·  {offer.server} at {offer.base_url}")), id=str(index)
                )
                for index, offer in enumerate(self.offers)
            ]
            yield OptionList(*options, id="picker-list")
            yield Static(Text(HOW_TO_SKIP, style="dim"), id="local-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.offers[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)

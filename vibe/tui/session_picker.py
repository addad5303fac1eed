"""The /resume picker: this folder's sessions, newest first, each with its first prompt, where
it ran, its size and its last activity; typing filters the list.

Every word typed must appear in a session's prompt, where it ran or its model, in any case, so
"fix login" finds "Fix the login redirect"; a piece of its id (six characters or more) finds it
too. Up/Down move through the list while
the filter keeps the keyboard; Enter resumes the highlighted session, Esc goes back.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from vibe.session.listing import SessionSummary, human_size, shortened, time_ago
from vibe.unicode_text import for_terminal

# More options than this make the list slow to build and useless to scroll: typing narrows it.
SHOWN_AT_MOST = 200
PROMPT_WIDTH = 110
FILTER_HINT = "type to filter: words from the prompt, the model, or a piece of the id"
_WHERE = {"terminal": "terminal", "headless": "headless (-p)", "editor": "editor"}


# A shorter piece of an id (its digits, mostly) would match sessions at random.
ID_PIECE_AT_LEAST = 6


def matches(summary: SessionSummary, words: list[str]) -> bool:
    info = summary.info
    haystack = " ".join((summary.first_prompt, _WHERE.get(info.frontend, ""), info.model)).lower()
    return all(
        word in haystack or (len(word) >= ID_PIECE_AT_LEAST and word in info.id.lower()) for word in words
    )


def session_label(summary: SessionSummary, now: datetime) -> Text:
    info = summary.info
    label = Text()
    if summary.first_prompt:
        label.append(for_terminal(shortened(summary.first_prompt, PROMPT_WIDTH)))
    else:
        label.append("(no prompt)", style="dim italic")
    where = _WHERE.get(info.frontend, "")
    details = [time_ago(summary.updated, now), where, human_size(summary.size_bytes), info.model, info.id]
    label.append("\n  " + for_terminal(" · ".join(part for part in details if part)), style="dim")
    return label


class SessionPickerScreen(ModalScreen[str | None]):
    """The answer is the chosen session's id, or None."""

    BINDINGS = [  # noqa: RUF012 - textual's declared shape
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", "Next", show=False),
        Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, title: str, summaries: list[SessionSummary], now: datetime) -> None:
        super().__init__(classes="picker-screen")
        self._title = title
        self._summaries = summaries
        self._now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(Text(for_terminal(self._title)), id="picker-title")
            yield Input(placeholder=FILTER_HINT, id="session-filter")
            yield OptionList(id="picker-list")
            yield Static("", id="session-count")

    def on_mount(self) -> None:
        self._show("")
        self.query_one(Input).focus()

    @on(Input.Changed, "#session-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    def _show(self, query: str) -> None:
        words = query.lower().split()
        found = [summary for summary in self._summaries if matches(summary, words)]
        listing = self.query_one("#picker-list", OptionList)
        listing.clear_options()
        listing.add_options(
            [Option(session_label(s, self._now), id=s.info.id) for s in found[:SHOWN_AT_MOST]]
        )
        if found:
            listing.highlighted = 0
        self.query_one("#session-count", Static).update(_count_line(len(found), len(self._summaries)))

    def action_move(self, step: int) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if listing.option_count:
            current = listing.highlighted if listing.highlighted is not None else -step
            listing.highlighted = max(0, min(listing.option_count - 1, current + step))

    @on(Input.Submitted, "#session-filter")
    def _submitted(self) -> None:
        listing = self.query_one("#picker-list", OptionList)
        if listing.highlighted is not None:
            self.dismiss(listing.get_option_at_index(listing.highlighted).id)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _count_line(found: int, total: int) -> Text:
    if not found:
        return Text("no session matches; Esc goes back", style="dim")
    shown = f"the newest {SHOWN_AT_MOST} of {found}" if found > SHOWN_AT_MOST else str(found)
    of_total = f" of {total}" if found != total and found <= SHOWN_AT_MOST else ""
    return Text(f"{shown}{of_total} sessions · Enter resumes · Esc goes back", style="dim")

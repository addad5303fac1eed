"""A tool call as a compact card: one header line (status, tool, key argument, duration) that
expands to the output. Failed and denied calls are styled as failures; edits show their diff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from vibe.tui.render import diff_text, duration, key_argument
from vibe.unicode_text import for_terminal

if TYPE_CHECKING:  # the engine loads after the first frame
    from vibe.protocol.events import ToolCallFinished, ToolCallStarted

_MARKS = {"running": "…", "waiting": "?", "ok": "✓", "error": "✗", "denied": "⊘", "cancelled": "■"}
_WORDS = {
    "running": "running",
    "waiting": "waiting for you",
    "ok": "",
    "error": "failed",
    "denied": "denied",
    "cancelled": "interrupted",
}
_OUTPUT_LINES = 60  # the card shows head and tail of long outputs; the model got the full capped text


class ToolCard(Vertical, can_focus=True):
    """Click or Enter toggles the output."""

    BINDINGS = [("enter", "toggle_output", "Expand")]  # noqa: RUF012 - textual's declared shape

    def __init__(self, started: ToolCallStarted, *, show_output: bool = False) -> None:
        # A subagent's call (under a `task` call): indented and compact beneath its task.
        nested = " -nested" if started.parent_call_id else ""
        super().__init__(classes=f"tool-card -running{nested}")
        self.parent_call_id = started.parent_call_id
        # The user's own `!command`: its output is what they asked to see.
        self.show_output = show_output
        self.call_id = started.call_id
        self.tool = for_terminal(started.tool)
        self.subject = key_argument(started.arguments, started.title)
        self.status = "running"
        self.duration_ms: int | None = None
        self._live: list[str] = []
        self._header = Static(self._header_text(), classes="tool-header")
        self._body = Static("", classes="tool-body")
        # A `!command`'s output streams into view as it runs (a build, `tail -f`); the model's
        # calls stay one header line until the user expands them.
        self._body.display = show_output

    def compose(self) -> ComposeResult:
        yield self._header
        yield self._body

    def _header_text(self) -> Text:
        header = Text()
        header.append(f"{_MARKS[self.status]} ", style="bold")
        header.append(self.tool, style="bold")
        header.append(f"  {self.subject}")
        word = _WORDS[self.status]
        if word:
            header.append(f"  {word}", style="bold")
        if self.duration_ms is not None:
            header.append(f"  {duration(self.duration_ms)}", style="dim")
        return header

    def set_waiting(self, waiting: bool) -> None:
        """While the approval question is open the call has not started: say so."""
        if self.status in ("running", "waiting"):
            self.status = "waiting" if waiting else "running"
            self._header.update(self._header_text())

    def add_output(self, text: str) -> None:
        """Live output of a running call, shown when expanded."""
        self._live.append(for_terminal(text))
        if self._body.display:
            self._body.update(Text("".join(self._live)[-4000:]))

    def finish(self, finished: ToolCallFinished, *, timed: bool = True) -> None:
        """`timed`: the call ran just now; a resumed session's calls have no saved duration."""
        self.status = finished.status
        self.duration_ms = finished.duration_ms if timed else None
        self.remove_class("-running")
        self.add_class("-ok" if finished.status == "ok" else "-failed")
        self._header.update(self._header_text())
        body = Text()
        if finished.diff:
            body.append_text(diff_text(finished.diff))
            if finished.notice:
                body.append(f"\n{for_terminal(finished.notice)}", style="bold yellow")
            # An applied edit is the point of the call: show it without a click.
            self._body.display = finished.status == "ok"
        else:
            lines = for_terminal(finished.output).rstrip("\n").splitlines()
            if len(lines) <= _OUTPUT_LINES:
                body.append("\n".join(lines))
            else:  # head and tail: a failing build or test run says what went wrong at the end
                half = _OUTPUT_LINES // 2
                body.append("\n".join(lines[:half]))
                body.append(f"\n… {len(lines) - 2 * half} lines not shown …\n", style="dim")
                body.append("\n".join(lines[-half:]))
            # A failure's reason is short and is what the user needs to see.
            self._body.display = self.show_output or finished.status in ("error", "denied")
        self._body.update(body)

    def action_toggle_output(self) -> None:
        self._body.display = not self._body.display
        if self._body.display and self.status == "running":
            self._body.update(Text("".join(self._live)[-4000:]))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_toggle_output()

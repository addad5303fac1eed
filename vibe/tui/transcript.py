"""The scrolling transcript: user prompts, streamed answers, reasoning, tool cards, notices.

Every text an entry shows goes through `for_terminal` when the entry takes it: the model's
answer, a file or an endpoint's message must not drive the user's terminal.

Streaming is paced and incremental (see `vibe.tui.streaming`): deltas are shown at most once
per frame, and only the answer's last, still open markdown block is re-rendered each time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from vibe.tui.render import plan_text
from vibe.tui.streaming import FramePacer, rich_markdown, settled_end
from vibe.tui.tool_card import ToolCard
from vibe.unicode_text import for_terminal

if TYPE_CHECKING:  # the engine loads after the first frame
    from vibe.protocol.events import ToolCallFinished, ToolCallStarted
    from vibe.tools.base import TodoItem


class Notice(Static):
    """A one-line message from vibe itself: info, warning (retries) or error."""

    def __init__(self, text: str, kind: str = "info") -> None:
        super().__init__(Text(for_terminal(text)), classes=f"notice -{kind}")


class UserEntry(Static):
    """What the user sent. A long paste shows its first lines and how many more it had (the
    model gets all of it): a 500-line log must not push the conversation off the screen."""

    SHOWN_LINES = 12

    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        prompt = for_terminal(prompt)
        lines = prompt.splitlines()
        shown = Text("\n".join(lines[: self.SHOWN_LINES]))
        if len(lines) > self.SHOWN_LINES + 2:  # folding two lines would not be worth the note
            shown.append(f"\n… {len(lines) - self.SHOWN_LINES} more lines sent", style="dim")
        else:
            shown = Text(prompt)
        super().__init__(shown, classes="user-entry")


class AnswerEntry(Widget):
    """The model's answer. While it streams: one widget per settled markdown block, rendered
    once, plus the open block at the end, re-rendered each frame. Then one static rich-markdown
    renderable for the whole answer: one widget instead of many keeps a 1,000-message transcript
    light (memory and layout time), and the whole text renders exactly as markdown means it."""

    DEFAULT_CSS = "AnswerEntry { height: auto; }"

    def __init__(self, markdown: str | None = None) -> None:
        super().__init__(classes="answer")
        self.text = for_terminal(markdown or "")
        self._pacer = FramePacer(self, self._show)
        self._settled = 0  # offset in `text` where the open block starts
        self._tail: Static | None = None if markdown is not None else Static("", classes="stream-tail")

    def compose(self):
        yield self._tail if self._tail is not None else _final_markdown(self.text)

    def add(self, text: str) -> None:
        self._pacer.add(for_terminal(text))

    async def flush(self) -> None:
        await self._pacer.flush()

    async def _show(self, chunk: str) -> None:
        self.text += chunk
        if self._tail is None:
            return
        end = settled_end(self.text, self._settled)
        if end > self._settled:
            block = self.text[self._settled : end].strip("\n")
            self._settled = end
            if block:
                piece = Static(rich_markdown(block), classes="stream-block")
                await self.mount(piece, before=self._tail)
        self._tail.update(rich_markdown(self.text[self._settled :]))

    async def finish(self, interrupted: bool) -> None:
        await self.flush()
        if self._tail is not None:
            streamed = list(self.children)
            self._tail = None
            await self.mount(_final_markdown(self.text), before=streamed[0])
            await self.remove_children(streamed)
        if interrupted:
            marker = Text("⏹ interrupted: the answer above is partial")
            await self.mount(Static(marker, classes="notice -warn"))


def _final_markdown(text: str) -> Static:
    return Static(rich_markdown(text), classes="final-markdown")


class ReasoningEntry(Collapsible):
    """The model's reasoning: collapsed, one click (or Enter) away."""

    def __init__(self) -> None:
        self._body = _ReasoningText()
        super().__init__(self._body, title="Reasoning", collapsed=True, classes="reasoning")

    def add(self, text: str) -> None:
        self._body.add(text)

    async def flush(self) -> None:
        await self._body.flush()


class _ReasoningText(Widget):
    DEFAULT_CSS = "_ReasoningText { height: auto; }"

    def __init__(self) -> None:
        super().__init__(classes="reasoning-text")
        self.text = ""
        self._pacer = FramePacer(self, self._show)

    def add(self, text: str) -> None:
        self._pacer.add(for_terminal(text))

    async def flush(self) -> None:
        await self._pacer.flush()

    def render(self) -> Text:
        return Text(self.text, style="dim italic")

    async def _show(self, chunk: str) -> None:
        self.text += chunk
        self.refresh(layout=True)


class PlanEntry(Static):
    def __init__(self, todos: list[TodoItem]) -> None:
        super().__init__(plan_text(todos), classes="plan")


class Transcript(VerticalScroll):
    """Holds the entries of the conversation and keeps the latest in view while at the bottom."""

    def __init__(self) -> None:
        super().__init__(id="transcript")
        self._answer: AnswerEntry | None = None
        self._reasoning: ReasoningEntry | None = None
        self._cards: dict[str, ToolCard] = {}
        self._queued: list[Notice] = []

    def on_mount(self) -> None:
        self.anchor()

    async def add_entry(self, widget: Widget) -> None:
        await self.mount(widget)

    async def user(self, prompt: str) -> None:
        await self.end_stream()
        await self.mount(UserEntry(prompt))

    async def notice(self, text: str, kind: str = "info") -> None:
        await self.mount(Notice(text, kind))

    async def queued(self, text: str) -> None:
        """A prompt waiting for the current run: shown until it runs or goes back to the input,
        then removed (running, it is shown as the user's prompt; returned, it is not sent)."""
        notice = Notice(f"queued: {text}", "dim")
        self._queued.append(notice)
        await self.mount(notice)

    def unqueue(self, count: int | None = None) -> None:
        """Remove the first `count` queued notices (all of them when None)."""
        taken = self._queued[:count] if count is not None else self._queued[:]
        del self._queued[: len(taken)]
        for notice in taken:
            notice.remove()

    async def answer_delta(self, text: str) -> None:
        if self._answer is None:
            self._answer = AnswerEntry()
            await self.mount(self._answer)
        self._answer.add(text)

    async def reasoning_delta(self, text: str) -> None:
        if self._reasoning is None:
            self._reasoning = ReasoningEntry()
            await self.mount(self._reasoning)
        self._reasoning.add(text)

    async def discard_partial(self) -> None:
        """A retried turn: drop what the failed attempt streamed, it will come again."""
        for widget in (self._answer, self._reasoning):
            if widget is not None:
                await widget.remove()
        self._answer = self._reasoning = None

    async def end_stream(self, interrupted: bool = False) -> None:
        """The turn's text is complete (or cut short): flush it and start fresh next time."""
        if self._reasoning is not None:
            await self._reasoning.flush()
        if self._answer is not None:
            await self._answer.finish(interrupted)
        elif interrupted:
            await self.notice("⏹ interrupted", "warn")
        self._answer = self._reasoning = None

    async def tool_started(self, started: ToolCallStarted, show_output: bool = False) -> None:
        await self.end_stream()
        card = ToolCard(started, show_output=show_output)
        self._cards[started.call_id] = card
        await self.mount(card)

    def tool_output(self, call_id: str, text: str) -> None:
        card = self._cards.get(call_id)
        if card is not None:
            card.add_output(text)

    def tool_waiting(self, call_id: str, *, waiting: bool) -> None:
        card = self._cards.get(call_id)
        if card is not None:
            card.set_waiting(waiting)

    def tool_finished(self, finished: ToolCallFinished) -> None:
        card = self._cards.pop(finished.call_id, None)
        if card is not None:
            card.finish(finished)

    def cancel_running_cards(self) -> None:
        from vibe.protocol.events import ToolCallFinished

        for card in self._cards.values():
            card.finish(
                ToolCallFinished(
                    turn_id="", call_id=card.call_id, tool=card.tool, status="cancelled", output=""
                )
            )
        self._cards.clear()

    async def clear(self) -> None:
        self._answer = self._reasoning = None
        self._cards.clear()
        self._queued.clear()
        await self.remove_children()

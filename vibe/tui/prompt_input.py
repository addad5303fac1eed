"""The prompt: multi-line input with history and a completion menu.

Enter sends; Shift+Enter or Ctrl+J inserts a newline. Up/Down walk the history when the
cursor is on the first/last line. The cursor does not blink: a blinking cursor is a timer,
and idle means idle.

The command menu follows the rule of Claude Code and opencode: Tab completes, Enter sends what
is typed. Enter takes the highlighted command only when the user chose it (moved the highlight
with Up/Down since the menu last changed) or when it is the only match and merely finishes the
word typed (`/he` runs /help); so `/mode` runs /mode though /model is offered too. A command
taken with Enter also runs. In the `@path` menu Enter takes the highlighted file (a fuzzy query
like `@calc` is not a path worth sending) unless the mention already is that file.

Keys can arrive faster than the app handles the text changes they cause, so every menu key
first recomputes the menu if it was computed for another text or cursor position: a stale
suggestion is never applied.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import OptionList, TextArea
from textual.widgets.option_list import Option

from vibe.tui.completion import Completion, completion_at, fuzzy_files, slash_matches
from vibe.tui.dropped_files import as_image_mentions
from vibe.unicode_text import for_terminal


class CompletionMenu(OptionList):
    """Shown above the prompt while a `/command` or `@path` is being typed."""

    def __init__(self) -> None:
        super().__init__(id="completion")
        self.display = False
        self.can_focus = False
        self.navigated = False  # the user moved the highlight since the items last changed

    def show(self, items: list[tuple[str, str]]) -> None:
        """`items` are (value to insert, label)."""
        self.navigated = False
        self.clear_options()
        if not items:
            self.display = False
            return
        # Plain text, not markup: `app/[slug]/page.tsx` is a file name, not a style tag.
        self.add_options([Option(Text(for_terminal(label)), id=value) for value, label in items])
        self.highlighted = 0
        self.display = True

    def move(self, step: int) -> None:
        if step < 0:
            self.action_cursor_up()
        else:
            self.action_cursor_down()
        self.navigated = True

    def chosen(self) -> str | None:
        if not self.display or self.highlighted is None:
            return None
        return self.get_option_at_index(self.highlighted).id


class PromptInput(TextArea):
    class Submitted(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, menu: CompletionMenu, cwd: Path | None = None) -> None:
        super().__init__(id="prompt", soft_wrap=True, show_line_numbers=False, compact=True)
        self.cwd = cwd or Path.cwd()  # where a pasted relative path is looked for
        self.cursor_blink = False
        self.menu = menu
        self.prompt_history: list[str] = []
        self._history_index: int | None = None
        self._draft = ""
        self.files: list[str] | None = None  # filled by the app, in the background, on first "@"
        # Custom commands and skills (slash, help): set by the app once a conversation is open.
        self.custom_commands: list[tuple[str, str]] = []
        self._completion: Completion | None = None
        self._completion_for: tuple[str, int] | None = None  # the (text, cursor) it was computed for

    # -- keys -----------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        key = event.key
        if key in ("up", "down", "tab", "enter", "escape"):
            self.sync_completion()
        menu_open = self.menu.display
        handled = True
        if menu_open and key in ("up", "down"):
            self.menu.move(-1 if key == "up" else 1)
        elif menu_open and key == "escape":
            self.menu.display = False
        elif menu_open and key == "tab":
            self.accept_completion()
        elif key == "enter" and menu_open and self._enter_takes_suggestion():
            slash = self._completion is not None and self._completion.kind == "slash"
            self.accept_completion()
            if slash:  # a chosen command runs, as it would typed in full
                self.submit()
        elif key == "enter":
            self.submit()
        elif key in ("shift+enter", "ctrl+j"):
            self.insert("\n")
        elif key == "up" and self.cursor_location[0] == 0 and self.prompt_history:
            self._walk_history(-1)
        elif key == "down" and self.cursor_location[0] == self.document.line_count - 1:
            handled = self._walk_history(1)
        else:
            handled = False
        if handled:
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        # A dropped image file (or its path pasted) becomes an @ mention, attached when sent.
        mentions = as_image_mentions(event.text, self.cwd)
        if mentions is not None:
            event.prevent_default()  # instead of the text area's own paste
            self.insert(mentions + " ")

    def submit(self) -> None:
        text = self.text.strip()
        if not text:
            return
        if not self.prompt_history or self.prompt_history[-1] != text:
            self.prompt_history.append(text)
        self._history_index = None
        self.clear()
        self.menu.display = False
        self.post_message(self.Submitted(text))

    def _walk_history(self, step: int) -> bool:
        if self._history_index is None:
            if step > 0:
                return False
            self._draft = self.text
            index = len(self.prompt_history) - 1
        else:
            index = self._history_index + step
        if index < 0:
            return True
        if index >= len(self.prompt_history):
            self._history_index = None
            self.text = self._draft
        else:
            self._history_index = index
            self.text = self.prompt_history[index]
        self.move_cursor(self.document.end)
        # A recalled "/help" must not open the menu: Up would then move in it, not in history.
        self._completion, self._completion_for = None, self._position()
        self.menu.display = False
        return True

    # -- completion -----------------------------------------------------------------------

    def _cursor_index(self) -> int:
        row, column = self.cursor_location
        lines = self.text.split("\n")
        return sum(len(line) + 1 for line in lines[:row]) + column

    def _position(self) -> tuple[str, int]:
        return self.text, self._cursor_index()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.sync_completion()

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        self.sync_completion()

    def sync_completion(self) -> None:
        """Recomputes the menu unless it was computed for the text and cursor as they are now.

        The Changed message for a key can arrive after the next keys were handled, so the
        menu is checked on demand rather than trusted to be current."""
        if self._completion_for != self._position():
            self.refresh_completion()

    def refresh_completion(self) -> None:
        position = self._position()
        self._completion_for = position
        completion = completion_at(*position)
        self._completion = completion
        if completion is None:
            self.menu.display = False
        elif completion.kind == "slash":
            matches = slash_matches(completion.word, self.custom_commands)
            self.menu.show([(name, f"{name}  {help_}") for name, help_ in matches])
        elif self.files is None:
            self.menu.display = False
            self.post_message(self.FilesWanted())
        else:
            self.menu.show([(f"@{path}", path) for path in fuzzy_files(completion.word, self.files)])

    class FilesWanted(Message):
        """The first `@`: the app should index the repository's files."""

    def _enter_takes_suggestion(self) -> bool:
        """Whether Enter applies the highlighted suggestion instead of sending what is typed."""
        chosen, completion = self.menu.chosen(), self._completion
        if chosen is None or completion is None:
            return False
        if self.menu.navigated:
            return True
        typed = self.text[completion.start : completion.end]
        if completion.kind == "file":
            return chosen != typed
        typed, chosen = typed.lower(), chosen.lower()
        return self.menu.option_count == 1 and chosen != typed and chosen.startswith(typed)

    def accept_completion(self) -> None:
        value = self.menu.chosen()
        completion = self._completion
        self.menu.display = False
        if value is None or completion is None:
            return
        text = self.text
        replacement = value + " "
        self.text = text[: completion.start] + replacement + text[completion.end :]
        offset = completion.start + len(replacement)
        before = self.text[:offset]
        self.move_cursor((before.count("\n"), len(before.rsplit("\n", 1)[-1])))
        self.menu.display = False

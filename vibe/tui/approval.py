"""The approval modal: an `approval_requested` event asked, answered with an `ApprovalReply`.

Keyboard first: 1-4 (or y / s / a / n) pick an answer, arrows + Enter work too, Tab reaches
the feedback field (Enter there denies with that feedback). Esc denies and interrupts the run,
the same meaning Esc has everywhere else in the app.

A protected request (a change to repository metadata) offers only "Allow once" and "Deny":
such a change is approved by a person, one call at a time, never for a session or for good.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from vibe.tui.render import diff_text
from vibe.unicode_text import for_terminal

if TYPE_CHECKING:  # the engine loads after the first frame
    from collections.abc import Callable

    from textual.app import App

    from vibe.protocol.events import ApprovalRequested
    from vibe.protocol.operations import ApprovalReply
    from vibe.service.conversation import Conversation

INTERRUPT = "interrupt"  # the modal's answer when the user pressed Esc


class ApprovalScreen(ModalScreen["ApprovalReply | str | None"]):
    BINDINGS = [  # noqa: RUF012 - textual's declared shape
        Binding("escape", "interrupt", "Deny and interrupt"),
        Binding("1,y", "choose('once')", "Allow once", show=False),
        Binding("2,s", "choose('session')", "Allow for this session", show=False),
        Binding("3,a", "choose('always')", "Always allow", show=False),
        Binding("4,n", "choose('deny')", "Deny", show=False),
    ]

    def __init__(self, request: ApprovalRequested) -> None:
        super().__init__(classes="approval-screen")
        self.request = request

    def compose(self) -> ComposeResult:
        request = self.request
        with Vertical(id="approval"):
            # What is approved is shown as it is, control characters included, yet inert.
            title = for_terminal(f"{request.tool}: {request.title}")
            yield Static(Text(title, style="bold"), id="approval-title")
            yield Static(Text(for_terminal(request.reason)), id="approval-reason")
            with VerticalScroll(id="approval-detail"):
                if request.diff:
                    yield Static(diff_text(request.diff))
                elif request.command:
                    yield Static(Text(for_terminal(f"$ {request.command}"), style="bold"))
            yield OptionList(*_choices(request), id="approval-choices")
            yield Input(placeholder="feedback for the model (optional; Enter denies with it)", id="feedback")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id or "deny")

    @on(Input.Submitted, "#feedback")
    def _feedback(self, event: Input.Submitted) -> None:
        self.action_choose("deny")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # While typing feedback, letters are text, not shortcuts.
        return not (action == "choose" and isinstance(self.focused, Input))

    def action_choose(self, choice: str) -> None:
        from vibe.protocol.operations import ApprovalReply

        if _one_call_only(self.request) and choice not in ("once", "deny"):
            return  # nothing beyond this one call can be approved (keys 2/s, 3/a)
        feedback = self.query_one("#feedback", Input).value.strip() or None
        call_id = self.request.call_id
        if choice == "deny":
            reply = ApprovalReply(call_id=call_id, approved=False, feedback=feedback)
        else:
            reply = ApprovalReply(call_id=call_id, approved=True, scope=choice)  # type: ignore[arg-type]
        self.dismiss(reply)

    def action_interrupt(self) -> None:
        self.dismiss(INTERRUPT)


def _one_call_only(request: ApprovalRequested) -> bool:
    """Protected changes are approved one at a time; a command no rule can safely cover (one
    with a redirection, a substitution, ...) has no "session" or "always" to offer."""
    return request.protected or (request.command is not None and not request.suggested_rule)


def _choices(request: ApprovalRequested) -> list[Option]:
    if request.protected:
        return [
            Option("1  Allow once (changes to repository metadata are approved one at a time)", id="once"),
            Option("4  Deny", id="deny"),
        ]
    if _one_call_only(request):
        return [
            Option(
                "1  Allow once (no rule can safely cover this command, so it is asked each time)", id="once"
            ),
            Option("4  Deny", id="deny"),
        ]
    # Say what each answer will do: the rule it stores, or the tool it allows.
    if request.suggested_rule:
        covered = f"rule: {for_terminal(request.suggested_rule)}"
    else:
        covered = f"every {for_terminal(request.tool)} call"
    return [
        Option("1  Allow once", id="once"),
        Option(Text(f"2  Allow for this session  ({covered})"), id="session"),
        Option(Text(f"3  Always allow  (stores {covered})"), id="always"),  # `ls [a-z]*` is not markup
        Option("4  Deny", id="deny"),
    ]


async def ask_in_modal(app: App[int], request: ApprovalRequested) -> ApprovalReply | None:
    """Shows the question and waits for the answer; None when the user pressed Esc (deny and
    interrupt) or the question went away unanswered (the run was interrupted meanwhile)."""
    answer: asyncio.Future[ApprovalReply | str | None] = asyncio.get_running_loop().create_future()

    def resolved(value: ApprovalReply | str | None) -> None:
        if not answer.done():
            answer.set_result(value)

    app.push_screen(ApprovalScreen(request), resolved)
    value = await answer
    return None if value is None or isinstance(value, str) else value


async def answer_in_modal(
    app: App[int],
    request: ApprovalRequested,
    conversation: Callable[[], Conversation | None],
    interrupt: Callable[[], None],
) -> None:
    """The modal for one approval question; the answer goes back to the `conversation()` open by
    then, as an operation. Esc denies and then `interrupt`s the run."""
    from vibe.protocol import operations as op
    from vibe.service.approvals import INTERRUPTED

    reply = await ask_in_modal(app, request)
    current = conversation()
    if current is None:
        return
    interrupting = reply is None
    if reply is None:
        reply = op.ApprovalReply(call_id=request.call_id, approved=False, reason=INTERRUPTED)
    async for _ in current.submit(reply):
        pass
    if interrupting:
        # After the denial has reached the call (its task runs first, in order), so the
        # card says "denied", as the modal's Esc promises, and then the run stops.
        asyncio.get_running_loop().call_soon(interrupt)


def dismiss_question(app: App[int], call_id: str) -> None:
    """The question was answered (or the run interrupted meanwhile): take its modal down."""
    for screen in app.screen_stack:
        if isinstance(screen, ApprovalScreen) and screen.request.call_id == call_id and screen.is_active:
            screen.dismiss(None)

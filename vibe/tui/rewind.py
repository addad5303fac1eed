"""/rewind in the terminal UI: a picker of this conversation's prompts (each with its checkpoint
and the files it changed), then what to take back (files, conversation or both), then a dialog
listing what would change; then the rewind. A rewound conversation puts the prompt back in the
input, to edit and send again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol

from vibe.tui.pickers import PickerScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from vibe.protocol import events as ev
    from vibe.protocol import operations as op
    from vibe.service.conversation import Conversation
    from vibe.tui.prompt_input import PromptInput
    from vibe.tui.transcript import Transcript

__all__ = ["rewind_command"]

_LISTED_FILES = 12


class RewindHost(Protocol):
    """What /rewind uses of the app (the commands' host has all of it)."""

    transcript: Transcript
    prompt: PromptInput

    @property
    def conversation(self) -> Conversation | None: ...

    @property
    def push_screen_wait(self) -> Callable[[Screen[Any]], Awaitable[Any]]: ...


_WHAT = {
    "both": "Files and conversation: back to before this prompt",
    "files": "Files only: the conversation stays as it is",
    "conversation": "Conversation only: the files stay as they are",
}


async def rewind_command(app: RewindHost, argument: str) -> None:
    from vibe.protocol import events as ev
    from vibe.protocol import operations as op
    from vibe.protocol.commands import find_command
    from vibe.service.commands import operation_for
    from vibe.service.host import ServiceError

    conversation = app.conversation
    command = find_command("rewind", "tui")
    if conversation is None or command is None:
        await app.transcript.notice("the agent is still starting; try again in a moment", "warn")
        return
    try:
        operation = operation_for(command, argument)
        assert isinstance(operation, op.Rewind)
        if operation.prompt is None:
            (listed,) = [event async for event in conversation.submit(operation)]
            assert isinstance(listed, ev.RewindChoices)
            operation = await _pick(app, listed)
            if operation is None:
                return
        if not operation.confirmed:
            (plan,) = [event async for event in conversation.submit(operation)]
            assert isinstance(plan, ev.RestorePlanned)
            answer = await _confirm(app, plan)
            if answer is None:
                return
            operation = operation.model_copy(update={"confirmed": True, "force": answer == "force"})
        async for event in conversation.submit(operation):
            await _show(app, event)
    except ServiceError as exc:
        await app.transcript.notice(f"✗ {exc}", "error")


async def _pick(app: RewindHost, listed: ev.RewindChoices) -> op.Rewind | None:
    from vibe.protocol import operations as op

    items = [(str(choice.prompt), _label(choice)) for choice in reversed(listed.choices)]
    picked = await app.push_screen_wait(PickerScreen("Rewind to before which prompt?", items))
    if not picked:
        return None
    choice = next(choice for choice in listed.choices if str(choice.prompt) == picked)
    offered = [
        what
        for what in ("both", "files", "conversation")
        if (choice.conversation or what == "files") and (choice.checkpoint_id or what == "conversation")
    ]
    if not offered:
        offered = ["conversation"]
    if len(offered) == 1:
        restore = offered[0]
    else:
        title = f"Rewind to before prompt {choice.prompt}: take back what?"
        restore = await app.push_screen_wait(PickerScreen(title, [(what, _WHAT[what]) for what in offered]))
        if restore not in _WHAT:
            return None
    return op.Rewind(
        prompt=choice.prompt,
        restore="both" if restore == "both" else "files" if restore == "files" else "conversation",
    )


def _label(choice: ev.RewindChoice) -> str:
    if choice.checkpoint_id is None:
        files = "no file changed"
    else:
        files = f"checkpoint {choice.checkpoint_id} · {choice.files_changed} file(s) changed"
    summarised = "" if choice.conversation else " · summarised: files only"
    return f"{choice.prompt:>3}. {choice.text}  ({files}{summarised})"


async def _confirm(app: RewindHost, plan: ev.RestorePlanned) -> str | None:
    """ "yes", "force" or None (cancelled), from a dialog saying what would change."""
    lines = [f"/rewind to before prompt {plan.prompt}:"]
    if plan.messages_dropped:
        lines.append(f"  the conversation goes back ({plan.messages_dropped} message(s) forgotten)")
    if plan.changes:
        lines.append(f"  {len(plan.changes)} file(s) would change")
        lines += [f"  {change.action:<7} {change.path}" for change in plan.changes[:_LISTED_FILES]]
        if len(plan.changes) > _LISTED_FILES:
            lines.append(f"  … and {len(plan.changes) - _LISTED_FILES} more")
    if not plan.changes and not plan.kept and not plan.messages_dropped:
        await app.transcript.notice("/rewind: nothing would change")
        return None
    items = [("yes", "Rewind"), ("no", "Cancel")]
    if plan.kept:
        lines.append(f"Changed by you since, kept as they are: {', '.join(plan.kept[:_LISTED_FILES])}")
        items.insert(1, ("force", "Rewind, and put back the files you changed too"))
    answer = await app.push_screen_wait(PickerScreen("\n".join(lines), items))
    return answer if answer in ("yes", "force") else None


async def _show(app: RewindHost, event: ev.AgentEvent) -> None:
    from vibe.protocol import events as ev

    if isinstance(event, ev.CheckpointRestored):
        lines = [f"/rewind: restored {len(event.restored)} file(s) (checkpoint {event.checkpoint_id})"]
        if event.kept:
            lines.append(f"kept as you left them: {', '.join(event.kept)}")
        if event.failed:
            lines.append(f"not restored (a symlink in the way, or inside .git): {', '.join(event.failed)}")
        await app.transcript.notice("\n".join(lines))
    elif isinstance(event, ev.ConversationRewound):
        await app.transcript.notice(
            f"/rewind: the conversation is back to before prompt {event.prompt} "
            f"({event.messages_dropped} message(s) forgotten); the prompt is in the input again"
        )
        if not app.prompt.text.strip():
            app.prompt.text = event.text
            app.prompt.move_cursor(app.prompt.document.end)

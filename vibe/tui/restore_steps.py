"""/undo and /redo in the terminal UI, and the steps every restore of files goes through
(/rewind's too): the service's plan shown in a dialog to confirm, the confirmed operation
submitted, and what was restored told afterwards."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from vibe.tui.pickers import PickerScreen

if TYPE_CHECKING:
    from textual.screen import Screen

    from vibe.protocol import events as ev
    from vibe.protocol import operations as op
    from vibe.service.conversation import Conversation
    from vibe.tui.transcript import Transcript

__all__ = ["RestoreHost", "ask_to_restore", "changed_files", "confirmed", "restored_text", "step_command"]

# How many of the files a restore would change the confirmation lists by name.
_LISTED_FILES = 12

_Restore = TypeVar("_Restore", bound="op.Undo | op.Redo | op.Rewind")


class RestoreHost(Protocol):
    """What a restore uses of the app (the commands' host has all of it)."""

    transcript: Transcript

    @property
    def conversation(self) -> Conversation | None: ...

    # Textual's App.push_screen_wait (overloaded, so named by its shape only).
    @property
    def push_screen_wait(self) -> Callable[[Screen[Any]], Awaitable[Any]]: ...


async def confirmed(
    conversation: Conversation,
    operation: _Restore,
    confirm: Callable[[ev.RestorePlanned], Awaitable[str | None]],
) -> _Restore | None:
    """`operation` confirmed: unless it already is, the service's plan for it goes to `confirm`
    ("yes", "force" or None); None when the user cancelled (or nothing would change)."""
    from vibe.protocol import events as ev

    if operation.confirmed:
        return operation
    (plan,) = [event async for event in conversation.submit(operation)]
    assert isinstance(plan, ev.RestorePlanned)
    answer = await confirm(plan)
    if answer is None:
        return None
    return operation.model_copy(update={"confirmed": True, "force": answer == "force"})


def changed_files(plan: ev.RestorePlanned) -> list[str]:
    """The files the plan would change, one line each, the first few by name."""
    lines = [f"  {change.action:<7} {change.path}" for change in plan.changes[:_LISTED_FILES]]
    if len(plan.changes) > _LISTED_FILES:
        lines.append(f"  … and {len(plan.changes) - _LISTED_FILES} more")
    return lines


async def ask_to_restore(
    app: RestoreHost, plan: ev.RestorePlanned, lines: list[str], verb: str
) -> str | None:
    """ "yes", "force" or None (cancelled), from a dialog of `lines`; files the user changed
    since are named, and forcing them back offered."""
    items = [("yes", verb), ("no", "Cancel")]
    if plan.kept:
        lines = [*lines, f"Changed by you since, kept as they are: {', '.join(plan.kept[:_LISTED_FILES])}"]
        items.insert(1, ("force", f"{verb}, and put back the files you changed too"))
    answer = await app.push_screen_wait(PickerScreen("\n".join(lines), items))
    return answer if answer in ("yes", "force") else None


def restored_text(name: str, event: ev.CheckpointRestored) -> str:
    lines = [f"/{name}: restored {len(event.restored)} file(s) (checkpoint {event.checkpoint_id})"]
    if event.kept:
        lines.append(f"kept as you left them: {', '.join(event.kept)}")
    if event.failed:
        lines.append(f"not restored (a symlink in the way, or inside .git): {', '.join(event.failed)}")
    return "\n".join(lines)


async def step_command(app: RestoreHost, name: str, argument: str) -> None:
    """/undo or /redo: shows what it would change and asks (a modal); then restores."""
    from vibe.protocol import events as ev
    from vibe.protocol import operations as op
    from vibe.protocol.commands import find_command
    from vibe.service.commands import operation_for
    from vibe.service.host import ServiceError

    conversation = app.conversation
    if conversation is None:
        await app.transcript.notice("the agent is still starting; try again in a moment", "warn")
        return
    command = find_command(name, "tui")
    if command is None:
        return
    try:
        operation = operation_for(command, argument)
        assert isinstance(operation, op.Undo | op.Redo)
        operation = await confirmed(conversation, operation, lambda plan: _confirm(app, plan))
        if operation is None:
            return
        async for event in conversation.submit(operation):
            if isinstance(event, ev.CheckpointRestored):
                await app.transcript.notice(restored_text(name, event))
    except ServiceError as exc:
        await app.transcript.notice(f"✗ {exc}", "error")


async def _confirm(app: RestoreHost, plan: ev.RestorePlanned) -> str | None:
    if not plan.changes and not plan.kept:
        await app.transcript.notice(f"/{plan.action}: no file would change")
        return None
    lines = [f"/{plan.action}: {len(plan.changes)} file(s) would change", *changed_files(plan)]
    return await ask_to_restore(app, plan, lines, "Restore them")

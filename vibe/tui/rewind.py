"""/rewind in the terminal UI: a picker of this conversation's prompts (each with its checkpoint
and the files it changed), then what to take back (files, conversation or both), then a dialog
listing what would change; then the rewind. A rewound conversation puts the prompt back in the
input, to edit and send again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from vibe.tui.pickers import PickerScreen
from vibe.tui.restore_steps import RestoreHost, ask_to_restore, changed_files, confirmed, restored_text

if TYPE_CHECKING:
    from vibe.protocol import events as ev
    from vibe.protocol import operations as op
    from vibe.tui.prompt_input import PromptInput

__all__ = ["rewind_command"]


class RewindHost(RestoreHost, Protocol):
    """What /rewind uses of the app (the commands' host has all of it)."""

    prompt: PromptInput


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
        operation = await confirmed(conversation, operation, lambda plan: _confirm(app, plan))
        if operation is None:
            return
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
        lines += [f"  {len(plan.changes)} file(s) would change", *changed_files(plan)]
    if not plan.changes and not plan.kept and not plan.messages_dropped:
        await app.transcript.notice("/rewind: nothing would change")
        return None
    return await ask_to_restore(app, plan, lines, "Rewind")


async def _show(app: RewindHost, event: ev.AgentEvent) -> None:
    from vibe.protocol import events as ev

    if isinstance(event, ev.CheckpointRestored):
        await app.transcript.notice(restored_text("rewind", event))
    elif isinstance(event, ev.ConversationRewound):
        await app.transcript.notice(
            f"/rewind: the conversation is back to before prompt {event.prompt} "
            f"({event.messages_dropped} message(s) forgotten); the prompt is in the input again"
        )
        if not app.prompt.text.strip():
            app.prompt.text = event.text
            app.prompt.move_cursor(app.prompt.document.end)

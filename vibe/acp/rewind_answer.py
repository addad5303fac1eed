"""/rewind in editor mode, answered in the conversation: an editor has no picker or modal of
ours, so each answer says what the next command can be. `/rewind` lists the prompts with their
checkpoints and files changed; `/rewind 3` (optionally `files` or `conversation`) says what going
back to before prompt 3 would change; adding `yes` (or `force`) does it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibe.protocol.commands import SlashCommand

if TYPE_CHECKING:
    from vibe.protocol import events as ev
    from vibe.service.conversation import Conversation

__all__ = ["rewind_answer"]


async def rewind_answer(conversation: Conversation, command: SlashCommand, argument: str) -> str:
    from vibe.protocol import events as ev
    from vibe.protocol import operations as op
    from vibe.service.commands import operation_for
    from vibe.service.host import ServiceError

    try:
        operation = operation_for(command, argument)
        assert isinstance(operation, op.Rewind)
        answered = [event async for event in conversation.submit(operation)]
    except ServiceError as exc:
        return f"/rewind: {exc}"
    lines: list[str] = []
    for event in answered:
        if isinstance(event, ev.RewindChoices):
            lines += _choices(event)
        elif isinstance(event, ev.RestorePlanned):
            lines += _planned(event, operation.restore)
        elif isinstance(event, ev.CheckpointRestored):
            lines.append(f"/rewind: restored {len(event.restored)} file(s).")
            if event.kept:
                lines.append("Kept as you left them: " + ", ".join(f"`{path}`" for path in event.kept) + ".")
            if event.failed:
                lines.append("Not restored: " + ", ".join(f"`{path}`" for path in event.failed) + ".")
        elif isinstance(event, ev.ConversationRewound):
            lines.append(
                f"/rewind: the conversation is back to before prompt {event.prompt} "
                f"({event.messages_dropped} message(s) forgotten); what you send next continues from there."
            )
    return "\n".join(lines)


def _choices(event: ev.RewindChoices) -> list[str]:
    lines = ["Prompts of this conversation you can rewind to (before them):"]
    for choice in event.choices:
        if choice.checkpoint_id is None:
            files = "no file changed"
        else:
            files = f"checkpoint `{choice.checkpoint_id}`, {choice.files_changed} file(s) changed"
        summarised = "; summarised, files only" if not choice.conversation else ""
        lines.append(f"{choice.prompt}. {choice.text} ({files}{summarised})")
    lines.append(
        "Send `/rewind N` to see what going back to before prompt N would change "
        "(add `files` or `conversation` to take back only those)."
    )
    return lines


def _planned(event: ev.RestorePlanned, restore: str) -> list[str]:
    lines = [f"/rewind to before prompt {event.prompt}:"]
    if event.messages_dropped:
        lines.append(f"- the conversation goes back ({event.messages_dropped} message(s) forgotten)")
    lines += [f"- {change.action} `{change.path}`" for change in event.changes]
    if len(lines) == 1:
        return ["/rewind: nothing would change."]
    if event.kept:
        lines.append("Changed by you since, kept: " + ", ".join(f"`{path}`" for path in event.kept))
    again = f"/rewind {event.prompt}" + ("" if restore == "both" else f" {restore}")
    lines.append(f"Send `{again} yes` to go ahead (`{again} force` also restores the files you changed).")
    return lines

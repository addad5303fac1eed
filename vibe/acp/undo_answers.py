"""/undo and /redo in editor mode, answered in the conversation: an editor has no modal of ours,
so the first answer says what would change and how to go ahead (a second command)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vibe.protocol.commands import SlashCommand

if TYPE_CHECKING:
    from vibe.service.conversation import Conversation

__all__ = ["undo_answer"]


async def undo_answer(conversation: Conversation, command: SlashCommand, argument: str) -> str:
    """/undo and /redo: without an argument, what would change and how to go ahead (the
    user answers with a second command, as an editor has no modal of ours); with `yes` or
    `force`, the restore."""
    from vibe.protocol import events as ev
    from vibe.service.commands import operation_for
    from vibe.service.host import ServiceError

    try:
        operation = operation_for(command, argument)
        assert operation is not None
        (event,) = [event async for event in conversation.submit(operation)]
    except ServiceError as exc:
        return f"/{command.name}: {exc}"
    if isinstance(event, ev.RestorePlanned):
        if not event.changes and not event.kept:
            return f"/{command.name}: no file would change."
        lines = [f"/{command.name} would change {len(event.changes)} file(s):"]
        lines += [f"- {change.action} `{change.path}`" for change in event.changes]
        if event.kept:
            lines.append("Changed by you since, kept: " + ", ".join(f"`{path}`" for path in event.kept))
        lines.append(f"Send `/{command.name} yes` to go ahead (`/{command.name} force` also restores those).")
        return "\n".join(lines)
    assert isinstance(event, ev.CheckpointRestored)
    answer = f"/{command.name}: restored {len(event.restored)} file(s)."
    if event.kept:
        answer += " Kept as you left them: " + ", ".join(f"`{path}`" for path in event.kept) + "."
    if event.failed:
        answer += " Not restored: " + ", ".join(f"`{path}`" for path in event.failed) + "."
    return answer

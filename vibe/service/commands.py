"""A slash command as the operation it submits, decided once for every frontend.

The table (`vibe.protocol.commands`) names each command's operation; this reads the argument the
user typed into it. A command whose operation needs an argument the user did not give returns
None: the frontend asks for it its own way (a picker in the terminal, a list in the answer in an
editor) and calls again.
"""

from __future__ import annotations

from vibe.protocol import operations as op
from vibe.protocol.commands import PERMISSION_MODES, SlashCommand, mode_named
from vibe.service.host import ServiceError

__all__ = ["operation_for"]


def operation_for(command: SlashCommand, argument: str) -> op.Operation | None:
    """Raises ServiceError for an argument the command cannot take (an unknown mode)."""
    argument = argument.strip()
    match command.operation:
        case "new":
            return op.NewConversation()
        case "compact":
            return op.Compact(instructions=argument or None)
        case "resume":
            return op.ResumeConversation(session_id=argument) if argument else None
        case "set_agent":
            return op.SetAgent(name=argument) if argument else None
        case "set_model":
            return op.SetModel(name=argument) if argument else None
        case "set_mode":
            if not argument:
                return None
            mode = mode_named(argument)
            if mode is None:
                modes = ", ".join(info.id for info in PERMISSION_MODES)
                raise ServiceError(f"unknown mode {argument!r}; choose one of {modes}")
            return op.SetMode(mode=mode)
        case "undo" | "redo":
            return _step(command.operation, argument)
        case "rewind":
            return _rewind(argument)
        case "restart_mcp_server":
            return _restart(argument)
        case _:
            return None


def _step(kind: str, argument: str) -> op.Undo | op.Redo:
    """`/undo` shows what would change; `/undo yes` goes ahead; `/undo force` goes ahead and
    also puts back files the user changed since."""
    word = argument.lower()
    if word not in ("", "yes", "force"):
        raise ServiceError(f"/{kind} takes yes or force, not {argument!r}")
    confirmed, force = word in ("yes", "force"), word == "force"
    return (
        op.Undo(confirmed=confirmed, force=force)
        if kind == "undo"
        else op.Redo(confirmed=confirmed, force=force)
    )


_RESTORES = {"files": "files", "conversation": "conversation", "both": "both"}


def _rewind(argument: str) -> op.Rewind:
    """`/rewind` lists the prompts; `/rewind 3` shows what going back to before prompt 3 would
    change (files and conversation); `/rewind 3 files` only its files, `/rewind 3 conversation`
    only the conversation; `yes` goes ahead, `force` also puts back files the user changed."""
    words = argument.lower().split()
    if not words:
        return op.Rewind()
    number, *rest = words
    if not number.isdecimal() or int(number) < 1:
        raise ServiceError(f"/rewind takes a prompt's number first (as /rewind lists them), not {number!r}")
    restore = "both"
    confirmed = force = False
    for word in rest:
        if word in _RESTORES:
            restore = word
        elif word in ("yes", "force"):
            confirmed, force = True, force or word == "force"
        else:
            raise ServiceError(f"/rewind takes files, conversation or both, then yes or force, not {word!r}")
    return op.Rewind(
        prompt=int(number),
        restore="files" if restore == "files" else "conversation" if restore == "conversation" else "both",
        confirmed=confirmed,
        force=force,
    )


def _restart(argument: str) -> op.RestartMcpServer | None:
    """`/mcp` lists the servers (None: the frontend shows `describe_servers`); `/mcp restart
    NAME` restarts one."""
    word, _, name = argument.partition(" ")
    if not word:
        return None
    if word.lower() != "restart" or not name.strip():
        raise ServiceError(f"/mcp takes restart NAME, not {argument!r}")
    return op.RestartMcpServer(name=name.strip())

"""The TUI's handlers for the slash commands it offers (the table is `vibe.protocol.commands`):
/help, /new (/clear), /resume, /model, /compact, /mode, /status, /cost, /exit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from vibe.protocol.commands import PERMISSION_MODES, find_command, mode_named
from vibe.tui.backend import BackendError
from vibe.tui.completion import SLASH_COMMANDS
from vibe.tui.pickers import PickerScreen
from vibe.tui.render import tokens

if TYPE_CHECKING:
    from vibe.session.listing import SessionSummary
    from vibe.session.store import SessionInfo
    from vibe.tui.app import VibeApp

MODES = tuple(mode.id for mode in PERMISSION_MODES)
KEYS_HELP = (
    "Enter send · Shift+Enter/Ctrl+J newline · ↑/↓ history · Tab complete · Esc interrupt · "
    "Shift+Tab cycle mode · Ctrl+G prompt in $EDITOR · Ctrl+C twice quit · @path mention a file · "
    "!cmd run a shell command"
)
_NEEDS_IDLE = {"/new", "/clear", "/resume", "/model", "/compact"}


async def run_command(app: VibeApp, text: str) -> None:
    name, _, argument = text.strip().partition(" ")
    command = find_command(name, "tui")
    if command is None:
        await app.transcript.notice(f"unknown command {name.lower()}; /help lists the commands", "error")
        return
    if command.slash in _NEEDS_IDLE and app.busy:
        await app.transcript.notice(
            f"{command.slash} has to wait: the agent is working (Esc interrupts it)", "warn"
        )
        return
    await _HANDLERS[command.name](app, argument.strip())


async def _help(app: VibeApp, argument: str) -> None:
    lines = [f"{name:<9} {help_}" for name, help_ in SLASH_COMMANDS.items()]
    await app.transcript.notice("\n".join([*lines, "", KEYS_HELP]))


async def _new(app: VibeApp, argument: str) -> None:
    app.queue.clear()
    app.open_agent(resume=None, fresh=True, replace=True)


async def _resume(app: VibeApp, argument: str) -> None:
    if argument:
        await _resume_id(app, argument)
        return
    from vibe.tui.session_picker import SessionPickerScreen

    current = app.agent.session_id if app.agent is not None else None
    # Off the event loop: a folder can hold hundreds of sessions, each one file to open.
    summaries = await asyncio.to_thread(_summaries, app.backend.sessions, current)
    if not summaries:
        await app.transcript.notice("no other saved session in this directory", "warn")
        return
    picker = SessionPickerScreen("Resume a session of this directory", summaries, datetime.now(UTC))
    chosen = await app.push_screen_wait(picker)
    if chosen:
        await _resume_id(app, chosen)


def _summaries(list_sessions: Callable[[], list[SessionInfo]], current: str | None) -> list[SessionSummary]:
    from vibe.session.listing import summarise

    return [
        summary for info in list_sessions() if info.id != current and (summary := summarise(info)) is not None
    ]


async def _resume_id(app: VibeApp, session_id: str) -> None:
    # The screen changes only if the session opens; an unknown id is one error notice.
    app.open_agent(resume=session_id, fresh=False, replace=True)


async def _model(app: VibeApp, argument: str) -> None:
    if app.agent is None:
        await app.transcript.notice("the agent is still starting; try again in a moment", "warn")
        return
    if not argument:
        current = app.backend.model_name
        names = app.backend.model_names()
        items = [(name, f"{name}{'  (current)' if name == current else ''}") for name in names]
        argument = await app.push_screen_wait(PickerScreen("Switch model", items)) or ""
        if not argument:
            return
    try:
        model_id = await app.backend.switch_model(app.agent, argument)
    except BackendError as exc:
        await app.transcript.notice(f"✗ {exc}", "error")
        return
    app.status_line.set(model=model_id, context_window=app.agent.settings.context_window)
    await app.transcript.notice(f"model: {model_id} from the next request on")


async def _compact(app: VibeApp, argument: str) -> None:
    app.start_compaction(argument or None)


async def _mode(app: VibeApp, argument: str) -> None:
    if not argument:
        current = app.agent.policy.mode if app.agent is not None else None
        items = [(mode, f"{mode}{'  (current)' if mode == current else ''}") for mode in MODES]
        argument = await app.push_screen_wait(PickerScreen("Permission mode", items)) or ""
        if not argument:
            return
    mode = mode_named(argument)
    if mode is None:
        await app.transcript.notice(f"unknown mode {argument!r}; choose one of {', '.join(MODES)}", "error")
        return
    app.set_mode(mode)
    await app.transcript.notice(f"permission mode: {mode}")


async def _status(app: VibeApp, argument: str) -> None:
    agent = app.agent
    facts = agent.facts if agent is not None else None
    window = agent.settings.context_window if agent is not None else None
    lines = [
        f"model     {facts.model if facts else '…'}",
        f"endpoint  {app.endpoint}",
        f"mode      {agent.policy.mode if agent else '…'}",
        f"sandbox   {app.sandbox_summary or '…'}",
        f"context   {tokens(app.status_line.facts.context_used)} of {tokens(window) if window else '?'}",
        _usage_line(app),
        f"session   {agent.session_id if agent else '…'}",
    ]
    await app.transcript.notice("\n".join(lines))


def _usage_line(app: VibeApp) -> str:
    totals = app.totals
    return (
        f"tokens    {tokens(int(totals['prompt']))} in, {tokens(int(totals['completion']))} out · "
        f"cost ${totals['cost']:.4f}"
    )


async def _cost(app: VibeApp, argument: str) -> None:
    await app.transcript.notice(_usage_line(app))


async def _edit(app: VibeApp, argument: str) -> None:
    await app.edit_prompt()


async def _exit(app: VibeApp, argument: str) -> None:
    await app.shutdown()


_HANDLERS = {
    "help": _help,
    "new": _new,
    "clear": _new,
    "resume": _resume,
    "model": _model,
    "compact": _compact,
    "mode": _mode,
    "edit": _edit,
    "status": _status,
    "cost": _cost,
    "exit": _exit,
}

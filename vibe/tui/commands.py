"""The TUI's handlers for the slash commands it offers (the table is `vibe.protocol.commands`):
/help, /new (/clear), /resume, /model, /agent, /compact, /mode, /undo, /redo, /rewind, /mcp, /status,
/cost, /exit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from vibe.protocol.commands import PERMISSION_MODES, SlashCommand, find_command
from vibe.tui.completion import SLASH_COMMANDS, custom_items
from vibe.tui.pickers import PickerScreen
from vibe.tui.render import tokens

if TYPE_CHECKING:
    from textual.screen import Screen

    from vibe.config.hooks import HookSpec
    from vibe.protocol import events as ev
    from vibe.protocol.operations import NewConversation, Operation, ResumeConversation
    from vibe.service.conversation import Conversation
    from vibe.session.listing import SessionSummary
    from vibe.session.store import SessionInfo
    from vibe.tui.prompt_input import PromptInput
    from vibe.tui.state import TuiState
    from vibe.tui.transcript import Transcript

MODES = tuple(mode.id for mode in PERMISSION_MODES)
KEYS_HELP = (
    "Enter send · Shift+Enter/Ctrl+J newline · ↑/↓ history · Tab complete · Esc interrupt · "
    "Shift+Tab cycle mode · Ctrl+G prompt in $EDITOR · Ctrl+C twice quit · @path mention a file · "
    "!cmd run a shell command"
)
_NEEDS_IDLE = {"/new", "/clear", "/resume", "/model", "/agent", "/compact", "/undo", "/redo", "/rewind"}


class CommandHost(Protocol):
    """What the commands use of the app (`VibeApp`): named here so this module does not import
    the app, which imports it."""

    transcript: Transcript
    state: TuiState
    prompt: PromptInput

    @property
    def conversation(self) -> Conversation | None: ...

    @property
    def busy(self) -> bool: ...

    # Textual's App.push_screen_wait (overloaded, so named by its shape only).
    @property
    def push_screen_wait(self) -> Callable[[Screen[Any]], Awaitable[Any]]: ...

    def open_agent(
        self, operation: NewConversation | ResumeConversation | None = None, replace: bool = False
    ) -> object: ...

    def start_compaction(self, instructions: str | None) -> None: ...

    async def show_event(self, event: ev.AgentEvent) -> None: ...

    async def edit_prompt(self) -> None: ...

    def send_prompt(self, text: str) -> None: ...

    async def shutdown(self) -> None: ...


async def run_command(app: CommandHost, text: str) -> None:
    name, _, argument = text.strip().partition(" ")
    name = name.split("\n", 1)[0]
    command = find_command(name, "tui")
    if command is None:
        conversation = app.conversation
        if conversation is not None and conversation.commands.find(name) is not None:
            app.send_prompt(text)  # the service expands it, and says which command ran
            return
        await app.transcript.notice(f"unknown command {name.lower()}; /help lists the commands", "error")
        return
    if command.slash in _NEEDS_IDLE and app.busy:
        await app.transcript.notice(
            f"{command.slash} has to wait: the agent is working (Esc interrupts it)", "warn"
        )
        return
    await _HANDLERS[command.name](app, argument.strip())


async def _help(app: CommandHost, argument: str) -> None:
    lines = [f"{name:<9} {help_}" for name, help_ in SLASH_COMMANDS.items()]
    conversation = app.conversation
    custom = custom_items(conversation.commands) if conversation is not None else []
    if custom:
        lines += ["", "Your commands and skills:", *(f"{name:<9} {help_}" for name, help_ in custom)]
    await app.transcript.notice("\n".join([*lines, "", KEYS_HELP]))


def _operation(command: SlashCommand, argument: str) -> Operation | None:
    """What the command submits (`vibe.service.operation_for`); raises ServiceError."""
    from vibe.service.commands import operation_for

    return operation_for(command, argument)


async def _new(app: CommandHost, argument: str) -> None:
    from vibe.protocol import operations as op

    app.state.take_queue()
    app.open_agent(op.NewConversation(), replace=True)


async def _resume(app: CommandHost, argument: str) -> None:
    conversation = await _open_conversation(app)
    if conversation is None:
        return
    if not argument:
        from vibe.tui.session_picker import SessionPickerScreen

        # Off the event loop: a folder can hold hundreds of sessions, each one file to open.
        summaries = await asyncio.to_thread(_summaries, conversation.sessions)
        if not summaries:
            await app.transcript.notice("no other saved session in this directory", "warn")
            return
        picker = SessionPickerScreen("Resume a session of this directory", summaries, datetime.now(UTC))
        argument = await app.push_screen_wait(picker) or ""
        if not argument:
            return
    from vibe.protocol import operations as op

    # The screen changes only if the session opens; an unknown id is one error notice.
    app.open_agent(op.ResumeConversation(session_id=argument), replace=True)


def _summaries(list_sessions: Callable[[], list[SessionInfo]]) -> list[SessionSummary]:
    """This folder's other sessions, summarised for the picker (the current one is left out)."""
    from vibe.session.listing import summarise

    return [summary for info in list_sessions() if (summary := summarise(info)) is not None]


async def _model(app: CommandHost, argument: str) -> None:
    conversation = await _open_conversation(app)
    if conversation is None:
        return
    if not argument:
        current = conversation.model_name
        names = [choice.name for choice in conversation.models()]
        items = [(name, f"{name}{'  (current)' if name == current else ''}") for name in names]
        argument = await app.push_screen_wait(PickerScreen("Switch model", items)) or ""
        if not argument:
            return
    from vibe.protocol import operations as op

    shown = await _carry_out(app, conversation, op.SetModel(name=argument))
    if shown:
        await app.transcript.notice(f"model: {conversation.facts.model} from the next request on")


async def _agent(app: CommandHost, argument: str) -> None:
    conversation = await _open_conversation(app)
    if conversation is None:
        return
    if not argument:
        current = conversation.agent_name
        items = [
            (
                choice.name,
                f"{choice.name}{'  (current)' if choice.name == current else ''} — {choice.description}",
            )
            for choice in conversation.agents()
        ]
        argument = await app.push_screen_wait(PickerScreen("Work as agent", items)) or ""
        if not argument:
            return
    from vibe.protocol import operations as op

    if await _carry_out(app, conversation, op.SetAgent(name=argument)):
        await app.transcript.notice(
            f"agent: {conversation.agent_name} (mode {conversation.mode}) from the next request on"
        )


async def _compact(app: CommandHost, argument: str) -> None:
    app.start_compaction(argument or None)


async def _mode(app: CommandHost, argument: str) -> None:
    from vibe.service.host import ServiceError

    conversation = app.conversation
    if not argument:
        current = conversation.mode if conversation is not None else None
        items = [(mode, f"{mode}{'  (current)' if mode == current else ''}") for mode in MODES]
        argument = await app.push_screen_wait(PickerScreen("Permission mode", items)) or ""
        if not argument:
            return
    command = find_command("mode", "tui")
    assert command is not None
    try:
        operation = _operation(command, argument)
    except ServiceError as exc:
        await app.transcript.notice(str(exc), "error")
        return
    conversation = await _open_conversation(app)
    if conversation is not None and operation is not None and await _carry_out(app, conversation, operation):
        await app.transcript.notice(f"permission mode: {conversation.mode}")


async def _undo(app: CommandHost, argument: str) -> None:
    from vibe.tui.restore_steps import step_command

    await step_command(app, "undo", argument)


async def _redo(app: CommandHost, argument: str) -> None:
    from vibe.tui.restore_steps import step_command

    await step_command(app, "redo", argument)


async def _rewind(app: CommandHost, argument: str) -> None:
    from vibe.tui.rewind import rewind_command

    await rewind_command(app, argument)


async def _open_conversation(app: CommandHost) -> Conversation | None:
    if app.conversation is None:
        await app.transcript.notice("the agent is still starting; try again in a moment", "warn")
    return app.conversation


async def _carry_out(app: CommandHost, conversation: Conversation, operation: Operation) -> bool:
    """Submits `operation` and shows what it answers; False (and the reason shown) if it could
    not be carried out."""
    from vibe.service.host import ServiceError

    try:
        async for event in conversation.submit(operation):
            await app.show_event(event)
    except ServiceError as exc:
        await app.transcript.notice(f"✗ {exc}", "error")
        return False
    return True


async def _status(app: CommandHost, argument: str) -> None:
    conversation = app.conversation
    facts = conversation.facts if conversation is not None else None
    window = conversation.context_window if conversation is not None else None
    lines = [
        f"model     {facts.model if facts else '…'}",
        f"endpoint  {app.state.endpoint}",
        f"mode      {conversation.mode if conversation else '…'}",
        f"sandbox   {app.state.sandbox_summary or '…'}",
        f"context   {tokens(app.state.facts.context_used)} of {tokens(window) if window else '?'}",
        _usage_line(app),
        f"session   {conversation.session_id if conversation else '…'}",
    ]
    if conversation is not None:
        from vibe.service.mcp_servers import status_lines

        size = await asyncio.to_thread(conversation.checkpoints_size)
        lines.append(f"checkpoints {'off' if size is None else f'{_disk(size)} on disk'}")
        lines.append(f"agent     {conversation.agent_name}")
        lines += hook_lines(conversation.hooks())
        lines += status_lines(conversation.mcp_servers())
    await app.transcript.notice("\n".join(lines))


def hook_lines(hooks: Sequence[HookSpec]) -> list[str]:
    """One line a hook: its event, the tools it watches, its command and the file that set it."""
    if not hooks:
        return ["hooks     none"]
    lines = [f"hooks     {len(hooks)}"]
    for hook in hooks:
        matcher = f" [{hook.matcher}]" if hook.matcher else ""
        lines.append(f"  {hook.event}{matcher}: {hook.command}  (from {hook.source or 'settings'})")
    return lines


def _disk(size: int) -> str:
    """A store of a few prompts is some KB: shown in MB it would read as empty."""
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


async def _mcp(app: CommandHost, argument: str) -> None:
    """`/mcp`: the servers' state; `/mcp restart NAME`: restart one (shown as it goes)."""
    from vibe.service.host import ServiceError
    from vibe.service.mcp_servers import describe_servers

    conversation = await _open_conversation(app)
    command = find_command("mcp", "tui")
    if conversation is None or command is None:
        return
    try:
        operation = _operation(command, argument)
    except ServiceError as exc:
        await app.transcript.notice(f"✗ {exc}", "error")
        return
    if operation is None:
        await app.transcript.notice(describe_servers(conversation.mcp_servers()))
        return
    await app.transcript.notice(f"restarting MCP server {argument.partition(' ')[2].strip()}…", "dim")
    await _carry_out(app, conversation, operation)
    app.prompt.custom_commands = custom_items(conversation.commands)  # its prompts may have changed


def _usage_line(app: CommandHost) -> str:
    if app.conversation is None:
        return "tokens    0 in, 0 out · cost $0.0000"
    totals = app.conversation.totals
    return (
        f"tokens    {tokens(totals.prompt_tokens)} in, {tokens(totals.completion_tokens)} out · "
        f"cost ${totals.cost_usd:.4f}"
    )


async def _cost(app: CommandHost, argument: str) -> None:
    await app.transcript.notice(_usage_line(app))


async def _edit(app: CommandHost, argument: str) -> None:
    await app.edit_prompt()


async def _exit(app: CommandHost, argument: str) -> None:
    await app.shutdown()


_HANDLERS = {
    "help": _help,
    "new": _new,
    "clear": _new,
    "resume": _resume,
    "model": _model,
    "agent": _agent,
    "compact": _compact,
    "mode": _mode,
    "undo": _undo,
    "redo": _redo,
    "rewind": _rewind,
    "edit": _edit,
    "status": _status,
    "mcp": _mcp,
    "cost": _cost,
    "exit": _exit,
}

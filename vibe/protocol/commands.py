"""The slash commands and permission modes every frontend offers, declared once.

The TUI's completion, `/help` and dispatch, and the editor's advertised `available_commands` and
mode options are all read from here, so a command's name, help text and argument hint cannot
drift between frontends. A command either maps to an operation (`operations`; named by its `type`
literal) that the frontend carries out, or is frontend-local (`operation` is None: /help, /status,
the editor's /trust; and /mcp without an argument). Which frontends offer it is data too: an
editor has its own buttons for a new or resumed session, the TUI its own trust prompt.

Only plain data and no imports beyond the standard library: both frontends read this before the
engine is loaded (the TUI's first frame, the editor's `initialize`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from vibe.config.settings import PermissionMode

__all__ = [
    "COMMANDS",
    "PERMISSION_MODES",
    "Frontend",
    "ModeInfo",
    "SlashCommand",
    "commands_for",
    "find_command",
    "mode_named",
]

Frontend = Literal["tui", "editor"]
_EVERYWHERE: frozenset[Frontend] = frozenset(("tui", "editor"))
_TUI: frozenset[Frontend] = frozenset(("tui",))
_EDITOR: frozenset[Frontend] = frozenset(("editor",))


@dataclass(frozen=True, slots=True)
class ModeInfo:
    """A permission mode as the user picks it: its id, a display name, what it lets the agent do."""

    id: PermissionMode
    name: str
    description: str


# In the order a picker lists them: from the most careful to the least.
PERMISSION_MODES: tuple[ModeInfo, ...] = (
    ModeInfo("plan", "Plan", "Read-only: the agent reads and plans; nothing is changed or run"),
    ModeInfo("ask", "Ask", "Every file change and command asks you first"),
    ModeInfo("accept-edits", "Accept edits", "File edits apply; commands ask unless a rule allows them"),
    ModeInfo("auto", "Auto", "Everything runs without asking; commands inside the sandbox"),
)


def mode_named(name: str) -> PermissionMode | None:
    """The permission mode called `name`, or None when there is none (for the user's typing)."""
    return next((mode.id for mode in PERMISSION_MODES if mode.id == name), None)


@dataclass(frozen=True, slots=True)
class SlashCommand:
    name: str  # as typed after the slash
    help: str  # lower case, one line; an editor shows it capitalised
    # The `type` of the operation the command submits (`operations`); None: the frontend's own.
    operation: str | None
    hint: str | None = None  # what the argument is; None when it takes none
    offered_by: frozenset[Frontend] = _EVERYWHERE

    @property
    def slash(self) -> str:
        return f"/{self.name}"


_MODE_IDS = [mode.id for mode in PERMISSION_MODES]

# The TUI's /help and completion list them in this order; an editor gets its subset in it too.
COMMANDS: tuple[SlashCommand, ...] = (
    SlashCommand("help", "show commands and keys", None, offered_by=_TUI),
    SlashCommand("new", "start a new conversation", "new", offered_by=_TUI),
    SlashCommand("clear", "start a new conversation (same as /new)", "new", offered_by=_TUI),
    SlashCommand("resume", "resume one of this directory's sessions", "resume", "session id", _TUI),
    SlashCommand("model", "switch model", "set_model", "model name"),
    # Editors pick an agent with the session's `agent` config option instead.
    SlashCommand("agent", "work as a custom agent (default: as configured)", "set_agent", "agent name", _TUI),
    SlashCommand(
        "compact",
        "summarise the conversation to free context (optionally: what to keep)",
        "compact",
        "what the summary should keep",
    ),
    SlashCommand(
        "mode",
        f"switch the permission mode: {', '.join(_MODE_IDS[:-1])} or {_MODE_IDS[-1]}",
        "set_mode",
        " | ".join(_MODE_IDS),
    ),
    SlashCommand(
        "undo",
        "take back the file changes of this conversation's last prompt (shows them, asks first)",
        "undo",
        "yes to go ahead, force to also undo files changed since",
    ),
    SlashCommand(
        "redo",
        "put back what the last /undo took away (shows it, asks first)",
        "redo",
        "yes to go ahead, force to also redo files changed since",
    ),
    SlashCommand(
        "rewind",
        "go back to before an earlier prompt: its files, the conversation, or both (lists the prompts)",
        "rewind",
        "prompt number, then files, conversation or both, then yes or force",
    ),
    SlashCommand(
        "trust",
        "trust this folder's .vibe/ settings (sandbox, rules, providers) as they are now",
        None,
        offered_by=_EDITOR,
    ),
    SlashCommand(
        "mcp",
        "show the MCP servers (state, tools, confinement); restart one",
        "restart_mcp_server",
        "restart NAME",
    ),
    SlashCommand("edit", "write the prompt in $VISUAL / $EDITOR (also Ctrl+G)", None, offered_by=_TUI),
    SlashCommand("status", "model, endpoint, sandbox, tokens, cost", None, offered_by=_TUI),
    SlashCommand("cost", "tokens and cost of this session", None, offered_by=_TUI),
    SlashCommand("exit", "quit vibe", None, offered_by=_TUI),
)


def commands_for(frontend: Frontend) -> tuple[SlashCommand, ...]:
    return tuple(command for command in COMMANDS if frontend in command.offered_by)


def find_command(typed: str, frontend: Frontend) -> SlashCommand | None:
    """The command `typed` (with or without its slash, any case) names in `frontend`, if any."""
    name = typed.removeprefix("/").lower()
    return next((command for command in commands_for(frontend) if command.name == name), None)

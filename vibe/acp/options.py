"""What a session offers the editor: permission modes, the model picker and slash commands.

Modes are advertised twice on purpose: as ACP session modes (`session/set_mode`, which every
client knows) and, with the model, as session config options (`session/set_config_option`),
which is how protocol version 1 lets a client pick a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from acp.schema import (
    AvailableCommand,
    AvailableCommandInput,
    SessionConfigOptionBoolean,
    SessionConfigOptionSelect,
    SessionConfigSelectOption,
    SessionMode,
    SessionModeState,
    UnstructuredCommandInput,
)

from vibe.acp.backend import ModelChoice

PermissionModeId = Literal["plan", "ask", "accept-edits", "auto"]

MODES: dict[PermissionModeId, tuple[str, str]] = {
    "plan": ("Plan", "Read-only: the agent reads and plans; nothing is changed or run"),
    "ask": ("Ask", "Every file change and command asks you first"),
    "accept-edits": ("Accept edits", "File edits apply; commands ask unless a rule allows them"),
    "auto": ("Auto", "Everything runs without asking; commands inside the sandbox"),
}

ConfigOption = SessionConfigOptionSelect | SessionConfigOptionBoolean

MODE_OPTION = "mode"
MODEL_OPTION = "model"


def as_mode(value: str) -> PermissionModeId | None:
    return value if value in MODES else None


def mode_state(current: str) -> SessionModeState:
    return SessionModeState(
        current_mode_id=current,
        available_modes=[
            SessionMode(id=mode, name=name, description=description)
            for mode, (name, description) in MODES.items()
        ],
    )


def config_options(mode: str, models: Sequence[ModelChoice], model: str) -> list[ConfigOption]:
    return [
        SessionConfigOptionSelect(
            type="select",
            id=MODE_OPTION,
            name="Permission mode",
            description="What the agent may do without asking",
            category="mode",
            current_value=mode,
            options=[
                SessionConfigSelectOption(value=mode_id, name=name, description=description)
                for mode_id, (name, description) in MODES.items()
            ],
        ),
        SessionConfigOptionSelect(
            type="select",
            id=MODEL_OPTION,
            name="Model",
            description="The model answering from the next request on",
            category="model",
            current_value=model,
            options=[
                SessionConfigSelectOption(
                    value=choice.name, name=choice.name, description=f"{choice.model_id} ({choice.provider})"
                )
                for choice in models
            ],
        ),
    ]


def available_commands() -> list[AvailableCommand]:
    """Slash commands this frontend handles itself (/compact asks the model for a summary)."""
    return [
        AvailableCommand(
            name="mode",
            description="Switch the permission mode: plan, ask, accept-edits or auto",
            input=AvailableCommandInput(UnstructuredCommandInput(hint="plan | ask | accept-edits | auto")),
        ),
        AvailableCommand(
            name="compact",
            description="Summarise the conversation to free context (optionally: what to keep)",
            input=AvailableCommandInput(UnstructuredCommandInput(hint="what the summary should keep")),
        ),
        AvailableCommand(
            name="trust",
            description="Trust this folder's .vibe/ settings (sandbox, rules, providers) as they are now",
        ),
        AvailableCommand(
            name="model",
            description="Switch the model (one configured in config.toml)",
            input=AvailableCommandInput(UnstructuredCommandInput(hint="model name")),
        ),
    ]

"""What a session offers the editor: permission modes, the model picker and slash commands.

Modes are advertised twice on purpose: as ACP session modes (`session/set_mode`, which every
client knows) and, with the model, as session config options (`session/set_config_option`),
which is how protocol version 1 lets a client pick a model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

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

from vibe.protocol.commands import PERMISSION_MODES, commands_for

if TYPE_CHECKING:
    from vibe.extensions import CommandCatalog
    from vibe.service.host import AgentChoice, ModelChoice

MODES = tuple(mode.id for mode in PERMISSION_MODES)

ConfigOption = SessionConfigOptionSelect | SessionConfigOptionBoolean

MODE_OPTION = "mode"
MODEL_OPTION = "model"
# Custom agents; not a session mode: the modes stay the permission modes.
AGENT_OPTION = "agent"


def mode_state(current: str) -> SessionModeState:
    return SessionModeState(
        current_mode_id=current,
        available_modes=[
            SessionMode(id=mode.id, name=mode.name, description=mode.description) for mode in PERMISSION_MODES
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
                SessionConfigSelectOption(value=mode.id, name=mode.name, description=mode.description)
                for mode in PERMISSION_MODES
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


def agent_option(agents: Sequence[AgentChoice], current: str) -> ConfigOption:
    return SessionConfigOptionSelect(
        type="select",
        id=AGENT_OPTION,
        name="Agent",
        description="The custom agent the session works as (its instructions, tools and mode)",
        current_value=current,
        options=[
            SessionConfigSelectOption(value=choice.name, name=choice.name, description=choice.description)
            for choice in agents
        ],
    )


def available_commands(custom: CommandCatalog | None = None) -> list[AvailableCommand]:
    """The slash commands the editor is offered: the table's share for editors, then `custom`
    (custom commands and skills, which the conversation expands into a prompt). The server
    handles the built-in ones itself (/compact asks the model for a summary); other `/words`
    are prompts."""
    offered = [
        AvailableCommand(
            name=command.name,
            description=command.help[:1].upper() + command.help[1:],
            input=_argument(command.hint),
        )
        for command in commands_for("editor")
    ]
    for prompt_command in custom.commands if custom is not None else ():
        offered.append(
            AvailableCommand(
                name=prompt_command.name,
                description=prompt_command.description,
                input=_argument(prompt_command.hint or "arguments"),
            )
        )
    return offered


def _argument(hint: str | None) -> AvailableCommandInput | None:
    return AvailableCommandInput(UnstructuredCommandInput(hint=hint)) if hint else None

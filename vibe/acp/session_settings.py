"""A session's permission mode, model and agent as an editor sees and sets them: the modes and
config options it is answered with, a change carried out, and the editor told of a change it
did not make through the same method (clients show either the session modes or the config
options, and both must stay true)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from acp.exceptions import RequestError
from acp.schema import ConfigOptionUpdate, CurrentModeUpdate

from vibe.acp import options
from vibe.acp.request_errors import request_error
from vibe.protocol.commands import mode_named

if TYPE_CHECKING:
    from vibe.acp.session import EditorSession

__all__ = ["config", "modes", "set_agent", "set_mode", "set_model", "settings_changed"]


def modes(session: EditorSession) -> Any:
    return options.mode_state(session.conversation.mode)


def config(session: EditorSession) -> list[options.ConfigOption]:
    conversation = session.conversation
    return [
        *options.config_options(conversation.mode, conversation.models(), conversation.model_name),
        options.agent_option(conversation.agents(), conversation.agent_name),
    ]


async def set_mode(session: EditorSession, mode_id: str) -> None:
    mode = mode_named(mode_id)
    if mode is None:
        raise RequestError.invalid_params(
            {"details": f"unknown mode {mode_id!r}; one of {', '.join(options.MODES)}"}
        )
    from vibe.protocol.operations import SetMode

    await session.perform(SetMode(mode=mode))


async def set_model(session: EditorSession, name: str) -> None:
    if name not in {choice.name for choice in session.conversation.models()}:
        raise RequestError.invalid_params({"details": f"unknown model {name!r}; add it to config.toml first"})
    from vibe.protocol.operations import SetModel
    from vibe.service.host import ServiceError

    try:
        await session.perform(SetModel(name=name))
    except ServiceError as exc:
        raise request_error(exc) from None


async def set_agent(session: EditorSession, name: str) -> None:
    from vibe.protocol.operations import SetAgent
    from vibe.service.host import ServiceError

    try:
        await session.perform(SetAgent(name=name))
    except ServiceError as exc:
        raise RequestError.invalid_params({"details": str(exc)}) from None


async def settings_changed(
    session: EditorSession, *, tell_mode: bool = True, tell_options: bool = True
) -> None:
    """Tells the editor of a mode or model change it did not make through the same method."""
    if tell_mode:
        await session.send(
            CurrentModeUpdate(session_update="current_mode_update", current_mode_id=session.conversation.mode)
        )
    if tell_options:
        await session.send(
            ConfigOptionUpdate(session_update="config_option_update", config_options=config(session))
        )

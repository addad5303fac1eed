"""`vibe acp`: the ACP agent (protocol version 1) that an editor drives over stdio.

The SDK routes each JSON-RPC method to the method of the same name below and turns the
`RequestError`s raised here into JSON-RPC errors. Start-up is kept cheap: this module imports
only the SDK, and the engine is loaded in the background once `initialize` has been answered,
so an engine that cannot load (no API key, a bad config file) never prevents the handshake; its
one-sentence reason comes back from `authenticate`, `session/new` or `session/load`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from acp.core import run_agent
from acp.exceptions import RequestError
from acp.interfaces import Agent, Client
from acp.meta import PROTOCOL_VERSION
from acp.schema import (
    AgentCapabilities,
    AuthenticateResponse,
    AuthMethodAgent,
    AvailableCommandsUpdate,
    ClientCapabilities,
    Implementation,
    InitializeResponse,
    LoadSessionResponse,
    McpCapabilities,
    NewSessionResponse,
    PromptCapabilities,
    PromptResponse,
    SetSessionConfigOptionResponse,
    SetSessionModeResponse,
)

from vibe import __version__
from vibe.acp import options
from vibe.acp.backend import Backend, EngineUnavailableError
from vibe.acp.editor_fs import EditorFileSystem, EditorPaths, FileActivity, RecordingFileSystem
from vibe.acp.prompt_text import PromptBlock, prompt_images, prompt_text
from vibe.acp.request_errors import INTERNAL_ERROR, request_error
from vibe.acp.session_settings import config, modes, set_agent, set_mode, set_model, settings_changed
from vibe.protocol.commands import SlashCommand, find_command

if TYPE_CHECKING:
    from vibe.acp.session import EditorSession

__all__ = ["serve"]

log = logging.getLogger("vibe.acp")

AUTH_METHOD = "environment"


async def _folder(cwd: str) -> Path:
    folder = Path(cwd)
    if not folder.is_absolute() or not await asyncio.to_thread(folder.is_dir):
        raise RequestError.invalid_params(
            {"details": f"cwd must be an absolute path to a folder, got {cwd!r}"}
        )
    return folder


class VibeAgent:
    """The ACP `Agent`: one per connection, holding that editor's sessions."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._client: Client | None = None
        self._capabilities = ClientCapabilities()
        self._sessions: dict[str, EditorSession] = {}
        self._background: set[asyncio.Task[None]] = set()

    def on_connect(self, conn: Client) -> None:
        self._client = conn

    # -- handshake --------------------------------------------------------------------------

    async def initialize(
        self,
        protocol_version: int,
        client_capabilities: ClientCapabilities | None = None,
        client_info: Implementation | None = None,
        **kwargs: Any,
    ) -> InitializeResponse:
        self._capabilities = client_capabilities or ClientCapabilities()
        self._backend.start_loading()
        log.info(
            "ACP client %s, protocol %s", client_info.name if client_info else "unknown", protocol_version
        )
        return InitializeResponse(
            protocol_version=PROTOCOL_VERSION,
            agent_capabilities=AgentCapabilities(
                load_session=True,
                # Images are taken whatever the model: one without vision gets a clear error.
                prompt_capabilities=PromptCapabilities(image=True, audio=False, embedded_context=True),
                # stdio always (ACP requires it); HTTP and the older HTTP+SSE as well.
                mcp_capabilities=McpCapabilities(http=True, sse=True),
            ),
            auth_methods=[
                AuthMethodAgent(
                    id=AUTH_METHOD, name="API key from the environment", description=self._backend.auth_hint()
                )
            ],
            agent_info=Implementation(name="vibe", title="vibe", version=__version__),
        )

    async def authenticate(self, method_id: str, **kwargs: Any) -> AuthenticateResponse:
        if method_id != AUTH_METHOD:
            raise RequestError.invalid_params(
                {"details": f"unknown auth method {method_id!r}; use {AUTH_METHOD!r}"}
            )
        try:
            await self._backend.check()
        except EngineUnavailableError as exc:
            raise request_error(exc) from None
        return AuthenticateResponse()

    # -- sessions ---------------------------------------------------------------------------

    async def new_session(
        self,
        cwd: str,
        additional_directories: list[str] | None = None,
        mcp_servers: list[Any] | None = None,
        **kwargs: Any,
    ) -> NewSessionResponse:
        session = await self._open(cwd, resume=None)
        session.editor_servers = list(mcp_servers or [])
        self._after_response(self._announce(session))
        return NewSessionResponse(session_id=session.id, modes=modes(session), config_options=config(session))

    async def load_session(
        self,
        cwd: str,
        session_id: str,
        mcp_servers: list[Any] | None = None,
        additional_directories: list[str] | None = None,
        **kwargs: Any,
    ) -> LoadSessionResponse:
        from vibe.acp.replay import replay_session

        await _folder(cwd)  # before touching the open session: a bad request changes nothing
        previous = self._sessions.get(session_id)
        if previous is not None:
            # Reopened while open here: its turn ends first, so the saved file is complete; it
            # stays usable if the load fails.
            previous.cancel()
            await previous.idle()
        session = await self._open(cwd, resume=session_id)
        session.editor_servers = list(mcp_servers or [])
        if previous is not None:
            await previous.aclose()
        for update in await replay_session(session):
            await session.send(update)
        self._after_response(self._announce(session))
        return LoadSessionResponse(modes=modes(session), config_options=config(session))

    async def close_sessions(self) -> None:
        """The editor went away: every open session's turn ends and its conversation closes
        (its MCP servers are stopped in order, not left to die with vibe)."""
        sessions = list(self._sessions.values())
        self._sessions.clear()
        for session in sessions:
            session.cancel()
        for session in sessions:
            # One session's failure must not keep the others open.
            with contextlib.suppress(Exception):
                await session.idle()
            with contextlib.suppress(Exception):
                await session.aclose()

    async def set_session_mode(self, session_id: str, mode_id: str, **kwargs: Any) -> SetSessionModeResponse:
        session = self._session(session_id)
        await set_mode(session, mode_id)
        await settings_changed(session, tell_mode=False)
        return SetSessionModeResponse()

    async def set_config_option(
        self, config_id: str, session_id: str, value: str | bool, **kwargs: Any
    ) -> SetSessionConfigOptionResponse:
        session = self._session(session_id)
        if config_id == options.MODE_OPTION and isinstance(value, str):
            await set_mode(session, value)
            await settings_changed(session, tell_options=False)
        elif config_id == options.MODEL_OPTION and isinstance(value, str):
            await set_model(session, value)
        elif config_id == options.AGENT_OPTION and isinstance(value, str):
            await set_agent(session, value)
            await settings_changed(session, tell_options=False)  # its mode ceiling
        else:
            raise RequestError.invalid_params(
                {"details": f"unknown config option {config_id!r} or value {value!r}"}
            )
        return SetSessionConfigOptionResponse(config_options=config(session))

    # -- turns ------------------------------------------------------------------------------

    async def prompt(self, session_id: str, prompt: list[PromptBlock], **kwargs: Any) -> PromptResponse:
        session = self._session(session_id)
        text = prompt_text(prompt)
        images = prompt_images(prompt)
        name, _, argument = text.strip().partition(" ")
        # Only the commands offered to editors; any other `/word` is a prompt for the model.
        command = find_command(name, "editor") if name.startswith("/") else None
        if command is None:
            return PromptResponse(stop_reason=await session.prompt(text, images))
        if command.operation == "compact":  # a turn of its own, shown like a prompt's
            return PromptResponse(stop_reason=await session.compact(argument.strip() or None))
        from acp.helpers import update_agent_message_text

        answer = await self._slash_command(session, command, argument.strip())
        await session.send(update_agent_message_text(answer))
        return PromptResponse(stop_reason="end_turn")

    async def cancel(self, session_id: str, **kwargs: Any) -> None:
        session = self._sessions.get(session_id)
        if session is not None:
            session.cancel()

    # -- helpers ----------------------------------------------------------------------------

    async def _open(self, cwd: str, resume: str | None) -> EditorSession:
        folder = await _folder(cwd)
        client = self._client
        if client is None:  # pragma: no cover - the SDK connects before dispatching
            raise RequestError(INTERNAL_ERROR, "not connected")
        fs_caps = self._capabilities.fs
        read = bool(fs_caps and fs_caps.read_text_file)
        write = bool(fs_caps and fs_caps.write_text_file)
        paths = EditorPaths(real_root=await asyncio.to_thread(folder.resolve), editor_root=folder)
        editor_fs = EditorFileSystem(client, paths, read=read, write=write) if read or write else None
        activity = FileActivity()
        if editor_fs is None:
            from vibe.tools.fs import LocalFileSystem

            recording = RecordingFileSystem(LocalFileSystem(), activity)
        else:
            recording = RecordingFileSystem(editor_fs, activity)
        from vibe.service.host import ServiceError  # with the engine, not at start-up

        try:
            await self._backend.check(folder)
            conversation = self._backend.conversation(folder, recording)
            await conversation.open(resume)
        except (EngineUnavailableError, ServiceError) as exc:
            raise request_error(exc) from None
        from vibe.acp.session import EditorSession  # with the agent's event types: not at start-up

        session = EditorSession(conversation, client, editor_fs, activity, editor_cwd=folder)
        self._sessions[session.id] = session
        log.info("ACP session %s in %s (resumed: %s)", session.id, folder, resume is not None)
        return session

    def _session(self, session_id: str) -> EditorSession:
        session = self._sessions.get(session_id)
        if session is None:
            raise RequestError.invalid_params(
                {"details": f"unknown session {session_id!r}; create one with session/new or session/load"}
            )
        return session

    async def _slash_command(self, session: EditorSession, command: SlashCommand, argument: str) -> str:
        """The answer to /mode, /model, /undo, /redo, /trust or /mcp, without a model request."""
        if command.operation == "set_mode":
            if not argument:
                modes = ", ".join(options.MODES)
                return f"Permission mode: {session.conversation.mode}. Choose one of: {modes}."
            await set_mode(session, argument)
            await settings_changed(session)
            return f"Permission mode is now {argument}."
        if command.operation == "set_model":
            if not argument:
                names = ", ".join(choice.name for choice in session.conversation.models())
                return f"Model: {session.conversation.model_name}. Configured: {names}."
            await set_model(session, argument)
            await settings_changed(session, tell_mode=False)
            return f"Model is now {argument}."
        if command.operation in ("undo", "redo"):
            from vibe.acp.undo_answers import undo_answer

            return await undo_answer(session.conversation, command, argument)
        if command.operation == "rewind":
            from vibe.acp.rewind_answer import rewind_answer

            return await rewind_answer(session.conversation, command, argument)
        if command.name == "trust":
            return await self._trust(session)
        if command.name == "mcp":
            from vibe.acp.mcp_answer import mcp_answer

            answer = await mcp_answer(session.conversation, command, argument)
            if argument.strip():  # a restart: the server's prompts may have changed
                await self._offer_commands(session)
            return answer
        # A command offered to editors in the table but not handled here is a bug, said plainly.
        raise RequestError(INTERNAL_ERROR, f"/{command.name} is not handled by the editor frontend")

    async def _trust(self, session: EditorSession) -> str:
        """Trusts the session's folder, then reopens this session with the settings trust lets
        in (same id and conversation; the permission mode it had is kept)."""
        try:
            message = await self._backend.trust(session.cwd)
        except EngineUnavailableError as exc:
            raise request_error(exc) from None
        await session.idle()
        model = session.conversation.model_name
        reopened = await self._open(str(session.paths.editor_root), resume=session.id)
        reopened.editor_servers = session.editor_servers
        await session.aclose()
        await self._start_editor_servers(reopened)
        if model != reopened.conversation.model_name:
            with contextlib.suppress(RequestError):  # a model the trusted settings no longer offer
                await set_model(reopened, model)
        await settings_changed(reopened)
        await self._offer_commands(reopened)
        return message + "\nThis session now uses them."

    async def _announce(self, session: EditorSession) -> None:
        """Sent just after the session/new (or load) response: what the editor should know."""
        await self._offer_commands(session)
        notice = self._backend.trust_notice(session.cwd)
        if notice:
            from acp.helpers import update_agent_message_text

            await session.send(update_agent_message_text(f"{notice}\n\n"))
        await self._start_editor_servers(session)

    async def _start_editor_servers(self, session: EditorSession) -> None:
        """Starts the configured MCP servers and those the editor passed, in the background;
        from then on a server's notice (left out, failed, died) is an update of its own."""
        from vibe.acp.mcp_servers import editor_servers
        from vibe.service.host import ServiceError

        session.watch_servers()
        servers, notes = editor_servers(session.editor_servers)
        try:  # with the configured ones, which wait for this (after the response)
            notes += await session.conversation.add_mcp_servers(servers)
        except ServiceError as exc:
            notes.append(str(exc))
        for note in notes:
            log.info("session %s: %s", session.id, note)
            await session.tell_notice(note)
        self._after_response(self._offer_prompts(session))

    async def _offer_prompts(self, session: EditorSession) -> None:
        """Servers start in the background: once they have listed their prompts, the editor is
        offered them as commands, and told once of any prompt that lost its name to another."""
        try:
            warnings = await session.conversation.commands_settled()
            if self._sessions.get(session.id) is not session:
                return  # closed or reopened (by /trust) meanwhile: the new one offers its own
            if any(command.source == "mcp" for command in session.conversation.commands.commands):
                await self._offer_commands(session)
            for warning in warnings:
                log.warning("session %s: %s", session.id, warning)
                await session.tell_notice(warning)
        except Exception:  # the editor went away meanwhile: nobody is left to offer them to
            log.debug("session %s: MCP prompts not offered", session.id, exc_info=True)

    async def _offer_commands(self, session: EditorSession) -> None:
        """The built-in commands and this session's custom ones (trusting the folder adds the
        repository's, so /trust sends them again)."""
        offered = options.available_commands(session.conversation.commands)
        await session.send(
            AvailableCommandsUpdate(session_update="available_commands_update", available_commands=offered)
        )

    def _after_response(self, work: Coroutine[Any, Any, None]) -> None:
        """Runs `work` after the current response: the SDK queues a response before this task runs."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)


async def serve(backend: Backend) -> None:
    """Serve ACP on stdin/stdout until the editor closes stdin."""
    from vibe.acp.transport import open_stdio

    transport = await open_stdio()
    agent = VibeAgent(backend)
    try:
        # cast: the SDK answers "method not found" for the optional methods we leave out.
        await run_agent(cast(Agent, agent), transport)
    finally:
        await agent.close_sessions()

"""One editor session: a conversation of the service, its file system, and the turn that is running.

A prompt is submitted to the conversation and its events are forwarded, in order, as
`session/update`s (approval questions as `session/request_permission`); the turn's
stop reason comes from the run's `result` event. Turns of a session run one at a time: a prompt
that arrives while a turn runs waits for it to end. Editors rely on that: after `session/cancel`
they send the next prompt at once, before the cancelled turn has answered. `session/cancel`
ends the running turn and every prompt that was waiting behind it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from acp.exceptions import RequestError
from acp.helpers import update_agent_message_text
from acp.schema import StopReason

from vibe.acp.editor_fs import EditorFileSystem, EditorPaths, FileActivity
from vibe.acp.permissions import PermissionAsker, PermissionClient
from vibe.acp.request_errors import AUTH_REQUIRED, INTERNAL_ERROR, INVALID_PARAMS
from vibe.acp.translate import EventTranslator, Update
from vibe.protocol import operations as op

if TYPE_CHECKING:
    from vibe.messages import ImageAttachment
    from vibe.protocol.events import AgentEvent
    from vibe.service.conversation import Conversation

log = logging.getLogger("vibe.acp")

# Our stop reasons → ACP's five. Limits without an exact ACP match map to the nearest one,
# and the turn ends with a sentence saying which limit it was.
_STOP_REASONS: dict[str, StopReason] = {
    "end_turn": "end_turn",
    "cancelled": "cancelled",
    "refusal": "refusal",
    "approval_required": "refusal",
    "model_length": "max_tokens",
    "max_tokens": "max_tokens",
    "max_cost": "max_tokens",
    "max_turns": "max_turn_requests",
    "time_limit": "max_turn_requests",
    "repeated_failure": "max_turn_requests",
}
_LIMIT_NOTES = {
    "model_length": "the model reached its output length limit",
    "max_tokens": "the run's token limit was reached",
    "max_cost": "the run's cost limit was reached",
    "max_turns": "the run's limit on model requests was reached",
    "time_limit": "the run's time limit was reached",
    "repeated_failure": "the same call failed the same way five times in a row",
}


class UpdateClient(PermissionClient, Protocol):
    async def session_update(self, session_id: str, update: Update) -> None: ...


class EditorSession:
    def __init__(
        self,
        conversation: Conversation,
        client: UpdateClient,
        fs: EditorFileSystem | None,
        activity: FileActivity,
        editor_cwd: Path,
    ) -> None:
        self.conversation = conversation
        self.id = conversation.session_id
        self.cwd = Path(conversation.facts.cwd)
        self.paths = EditorPaths(real_root=self.cwd, editor_root=editor_cwd)
        self._client = client
        self.translator = EventTranslator(
            cwd=self.cwd,
            activity=activity,
            paths=self.paths,
            context_window=lambda: conversation.context_window,
            spent=lambda: conversation.totals.cost_usd,
        )
        self.questions = PermissionAsker(
            client, self.id, self.translator.permission_call, self._answer, self._end_turn
        )
        if fs is not None:
            fs.session_id = self.id
        self._turn = asyncio.Lock()
        self._cancels = 0  # session/cancel notifications so far
        # The MCP servers the editor passed for this session (kept when the session is reopened).
        self.editor_servers: list[object] = []
        self._telling: set[asyncio.Task[None]] = set()

    def watch_servers(self) -> None:
        """From now on (after the session/new or /load response and any replay), MCP server
        notices that come while no turn runs are sent as updates of their own."""
        self.conversation.watch(self._between_turns)

    def _between_turns(self, event: AgentEvent) -> None:
        task = asyncio.create_task(self._tell(event))
        self._telling.add(task)
        task.add_done_callback(self._telling.discard)

    async def tell_notice(self, message: str) -> None:
        """A sentence about the session's MCP servers, as an update of its own."""
        from vibe.protocol import events as ev

        notice = ev.McpServerNotice(server="editor", state="failed", message=message)
        await self._tell(self.conversation.agent.announce(notice))

    async def _tell(self, event: AgentEvent) -> None:
        for update in self.translator.translate(event):
            await self.send(update)

    async def send(self, update: Update) -> None:
        await self._client.session_update(self.id, update)

    async def prompt(self, text: str, images: tuple[ImageAttachment, ...] = ()) -> StopReason:
        self._check_fits(text)
        if images and not self.conversation.reads_images:
            from vibe.agent.run_end import ImagesNotReadError

            raise RequestError.invalid_params(
                {"details": str(ImagesNotReadError(self.conversation.facts.model))}
            )
        prompt = op.Prompt(text=text, images=tuple(images))
        from vibe.service.host import ServiceError  # loaded with the conversation already

        try:
            return await self._turn_of(lambda: self.conversation.submit(prompt))
        except ServiceError as exc:  # a `/name` that cannot become a prompt (an argument missing)
            raise RequestError(INVALID_PARAMS, str(exc)) from None

    async def compact(self, instructions: str | None) -> StopReason:
        """/compact: a turn that summarises the conversation instead of asking the model."""
        return await self._turn_of(lambda: self.conversation.submit(op.Compact(instructions=instructions)))

    async def perform(self, operation: op.Operation) -> list[AgentEvent]:
        """An operation that is not a turn (a mode or model switch): the events it answers with.
        Raises ServiceError when it cannot be carried out."""
        return [event async for event in self.conversation.submit(operation)]

    async def _answer(self, reply: op.ApprovalReply) -> None:
        await self.perform(reply)

    async def _turn_of(self, events: Callable[[], AsyncIterator[AgentEvent]]) -> StopReason:
        cancels = self._cancels
        async with self._turn:
            if self._cancels != cancels:  # cancelled while it waited for the turn before it
                return "cancelled"
            return await self._run(events())

    def cancel(self) -> None:
        """Ends the running turn (pending permission questions resolve as cancelled) and the
        prompts waiting behind it."""
        self._cancels += 1
        self._end_turn()

    def _end_turn(self) -> None:
        self.conversation.interrupt()
        self.questions.withdraw_all()

    async def idle(self) -> None:
        """Until no turn runs (nor waits to)."""
        async with self._turn:
            pass

    async def aclose(self) -> None:
        self.questions.withdraw_all()
        await self.conversation.aclose()

    def _check_fits(self, text: str) -> None:
        problem = self.conversation.does_not_fit(text)
        if problem is not None:
            raise RequestError(INVALID_PARAMS, problem)

    async def _run(self, events: AsyncIterator[AgentEvent]) -> StopReason:
        from vibe.protocol import events as ev

        result: ev.Result | None = None
        async for event in events:
            for update in self.translator.translate(event):
                await self.send(update)
            if isinstance(event, ev.ApprovalRequested):
                self.questions.asked(event)  # after the call it is about was announced above
            elif isinstance(event, ev.ApprovalResolved):
                self.questions.resolved(event.call_id)
            elif isinstance(event, ev.Result):
                result = event
        if result is None:  # pragma: no cover - Agent.run always ends with a result
            raise RequestError(INTERNAL_ERROR, "the agent stopped without a result")
        if result.stop_reason == "error":
            message = result.error or "the run failed"
            code = AUTH_REQUIRED if result.error_kind == "auth" else INTERNAL_ERROR
            raise RequestError(code, message, {"kind": result.error_kind})
        note = _LIMIT_NOTES.get(result.stop_reason)
        if note is not None:
            await self.send(update_agent_message_text(f"\n\n[stopped: {note}]"))
        return _STOP_REASONS.get(result.stop_reason, "end_turn")

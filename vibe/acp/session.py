"""One editor session: an agent, its approver and file system, and the turn that is running.

A prompt runs the agent and forwards its events, in order, as `session/update`s; the turn's
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
from vibe.acp.permissions import EditorApprover
from vibe.acp.translate import EventTranslator, Update

if TYPE_CHECKING:
    from vibe.agent.loop import Agent
    from vibe.messages import ImageAttachment
    from vibe.protocol.events import AgentEvent

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
# JSON-RPC error codes for a failed turn, by the endpoint error's kind (as in vibe.acp.server).
AUTH_REQUIRED = -32000
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603


class UpdateClient(Protocol):
    async def session_update(self, session_id: str, update: Update) -> None: ...


class EditorSession:
    def __init__(
        self,
        agent: Agent,
        client: UpdateClient,
        approver: EditorApprover,
        fs: EditorFileSystem | None,
        activity: FileActivity,
        editor_cwd: Path,
    ) -> None:
        self.agent = agent
        self.id = agent.session_id
        self.cwd = Path(agent.facts.cwd)
        self.paths = EditorPaths(real_root=self.cwd, editor_root=editor_cwd)
        self._client = client
        self.approver = approver
        self.translator = EventTranslator(
            cwd=self.cwd,
            activity=activity,
            paths=self.paths,
            context_window=lambda: agent.settings.context_window,
        )
        approver.session_id = self.id
        approver.describe = self.translator.permission_call
        approver.on_cancelled = self._end_turn
        if fs is not None:
            fs.session_id = self.id
        self._turn = asyncio.Lock()
        self._cancels = 0  # session/cancel notifications so far

    async def send(self, update: Update) -> None:
        await self._client.session_update(self.id, update)

    async def prompt(self, text: str, images: tuple[ImageAttachment, ...] = ()) -> StopReason:
        self._check_fits(text)
        if images and not self.agent.settings.vision:
            from vibe.agent.run_end import ImagesNotReadError

            raise RequestError.invalid_params({"details": str(ImagesNotReadError(self.agent.facts.model))})
        return await self._turn_of(lambda: self.agent.run(text, images))

    async def compact(self, instructions: str | None) -> StopReason:
        """/compact: a turn that summarises the conversation instead of asking the model."""
        return await self._turn_of(lambda: self.agent.compact(instructions))

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
        self.approver.cancel_pending()
        self.agent.cancel()

    async def idle(self) -> None:
        """Until no turn runs (nor waits to)."""
        async with self._turn:
            pass

    def close(self) -> None:
        self.agent.close()

    def _check_fits(self, text: str) -> None:
        """A prompt larger than the model's whole context window can never be answered; once in
        the conversation it would make every later prompt of the session fail too."""
        from vibe.agent.budget import estimate_tokens

        window = self.agent.settings.context_window
        tokens = estimate_tokens(len(text))
        if window is not None and tokens >= window:
            raise RequestError(
                INVALID_PARAMS,
                f"the prompt (about {tokens:,} tokens) is larger than the model's context window "
                f"({window:,} tokens); attach less text",
            )

    async def _run(self, events: AsyncIterator[AgentEvent]) -> StopReason:
        from vibe.protocol import events as ev

        result: ev.Result | None = None
        async for event in events:
            for update in self.translator.translate(event):
                await self.send(update)
            if isinstance(event, ev.ApprovalRequested):
                self.approver.announced(event.call_id)
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

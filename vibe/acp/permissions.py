"""Approvals in editor mode: an `approval_requested` event becomes `session/request_permission`,
and the editor's answer goes back to the conversation as an `ApprovalReply`.

Events are forwarded in order, so a question always follows the announcement of the call it is
about. Each question is asked in a task of its own, so the turn's other updates keep flowing.
`session/cancel` interrupts the conversation, which answers every open question "no"; the
questions still out are then withdrawn. An editor answering with the `cancelled` outcome ends
the turn the same way, as that outcome means the turn was cancelled.

A protected request (a change to repository metadata) is refused without asking: editors may
answer permission requests on the user's behalf (remembered "always allow" choices, agent
settings), and such a change must be approved by a person each time, which only the terminal
UI guarantees.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from acp.schema import (
    AllowedOutcome,
    PermissionOption,
    RequestPermissionResponse,
    ToolCallUpdate,
)

from vibe.policy.verdict import DecisionScope
from vibe.protocol.events import ApprovalRequested
from vibe.protocol.operations import ApprovalReply

log = logging.getLogger("vibe.acp")

ALLOW_ONCE = "allow-once"
ALLOW_ALWAYS = "allow-always"
REJECT_ONCE = "reject-once"
REJECT_ALWAYS = "reject-always"

# As in the terminal: "always allow" stores the rule it names (shown in the option's label) in the
# project's or the user's config; "always reject" holds for the rest of this session only.
_ANSWERS: dict[str, tuple[bool, DecisionScope]] = {
    ALLOW_ONCE: (True, "once"),
    ALLOW_ALWAYS: (True, "always"),
    REJECT_ONCE: (False, "once"),
    REJECT_ALWAYS: (False, "session"),
}


def options_for(request: ApprovalRequested) -> list[PermissionOption]:
    always = f"Always allow: {request.suggested_rule}" if request.suggested_rule else "Always allow"
    return [
        PermissionOption(option_id=ALLOW_ONCE, name="Allow once", kind="allow_once"),
        PermissionOption(option_id=ALLOW_ALWAYS, name=always, kind="allow_always"),
        PermissionOption(option_id=REJECT_ONCE, name="Reject", kind="reject_once"),
        PermissionOption(option_id=REJECT_ALWAYS, name="Reject for this session", kind="reject_always"),
    ]


CANCELLED = "the user cancelled the turn"
PROTECTED_REFUSAL = (
    "{reason}; editor mode refuses such changes because an editor may answer for the user. "
    "Ask the user to make this change themselves"
)


class PermissionClient(Protocol):
    async def request_permission(
        self, session_id: str, tool_call: ToolCallUpdate, options: list[PermissionOption]
    ) -> RequestPermissionResponse: ...


def reply_for(call_id: str, response: RequestPermissionResponse) -> ApprovalReply:
    outcome = response.outcome
    if not isinstance(outcome, AllowedOutcome):
        return ApprovalReply(call_id=call_id, approved=False, reason=CANCELLED)
    answer = _ANSWERS.get(outcome.option_id)
    if answer is None:
        reason = f"the editor answered with an unknown option {outcome.option_id!r}"
        return ApprovalReply(call_id=call_id, approved=False, reason=reason)
    approved, scope = answer
    reason = None if approved else "rejected by the user"
    return ApprovalReply(call_id=call_id, approved=approved, scope=scope, reason=reason)


class PermissionAsker:
    """Asks the editor the questions of one session and hands the answers back."""

    def __init__(
        self,
        client: PermissionClient,
        session_id: str,
        describe: Callable[[ApprovalRequested], ToolCallUpdate],
        answer: Callable[[ApprovalReply], Awaitable[None]],
        on_cancelled: Callable[[], None],
    ) -> None:
        self._client = client
        self._session_id = session_id
        self._describe = describe
        self._answer = answer
        self._on_cancelled = on_cancelled
        self._asking: dict[str, asyncio.Task[None]] = {}

    def asked(self, request: ApprovalRequested) -> None:
        task = asyncio.create_task(self._ask(request))
        self._asking[request.call_id] = task
        task.add_done_callback(lambda _: self._asking.pop(request.call_id, None))

    def resolved(self, call_id: str) -> None:
        """The question has its answer (or the run was interrupted): withdraw it if still out."""
        task = self._asking.get(call_id)
        if task is not None and not task.done():
            task.cancel()

    def withdraw_all(self) -> None:
        for task in list(self._asking.values()):
            task.cancel()

    async def _ask(self, request: ApprovalRequested) -> None:
        if request.protected:
            reason = PROTECTED_REFUSAL.format(reason=request.reason)
            await self._answer(ApprovalReply(call_id=request.call_id, approved=False, reason=reason))
            return
        try:
            response = await self._client.request_permission(
                self._session_id, self._describe(request), options_for(request)
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the editor failed or went away: nothing was approved
            log.warning("permission request for %s failed: %s", request.call_id, exc)
            reason = f"the editor did not answer the permission request ({exc})"
            await self._answer(ApprovalReply(call_id=request.call_id, approved=False, reason=reason))
            return
        reply = reply_for(request.call_id, response)
        await self._answer(reply)
        if not isinstance(response.outcome, AllowedOutcome):
            self._on_cancelled()

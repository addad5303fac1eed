"""The approval port in editor mode: `session/request_permission`, answered by the user.

The turn waits for the editor's answer. A request goes out only after the tool call it is
about has been announced to the editor (the session marks it), so the editor never gets a
question about a call it has not seen. `session/cancel` resolves every pending question as
cancelled at once rather than leaving the turn waiting for an answer that will never come; an
editor answering a question with the `cancelled` outcome ends the turn the same way, as that
outcome means the turn was cancelled.

A protected request (a change to repository metadata) is refused without asking: editors may
answer permission requests on the user's behalf (remembered "always allow" choices, agent
settings), and such a change must be approved by a person each time, which only the terminal
UI guarantees.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from acp.schema import (
    AllowedOutcome,
    PermissionOption,
    RequestPermissionResponse,
    ToolCallUpdate,
)

from vibe.policy.verdict import ApprovalRequest, Decision, DecisionScope

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


def options_for(request: ApprovalRequest) -> list[PermissionOption]:
    always = f"Always allow: {request.suggested_rule}" if request.suggested_rule else "Always allow"
    return [
        PermissionOption(option_id=ALLOW_ONCE, name="Allow once", kind="allow_once"),
        PermissionOption(option_id=ALLOW_ALWAYS, name=always, kind="allow_always"),
        PermissionOption(option_id=REJECT_ONCE, name="Reject", kind="reject_once"),
        PermissionOption(option_id=REJECT_ALWAYS, name="Reject for this session", kind="reject_always"),
    ]


CANCELLED = Decision(approved=False, reason="the user cancelled the turn")
PROTECTED_REFUSAL = (
    "{reason}; editor mode refuses such changes because an editor may answer for the user. "
    "Ask the user to make this change themselves"
)


class PermissionClient(Protocol):
    async def request_permission(
        self, session_id: str, tool_call: ToolCallUpdate, options: list[PermissionOption]
    ) -> RequestPermissionResponse: ...


def decision_for(response: RequestPermissionResponse) -> Decision:
    outcome = response.outcome
    if not isinstance(outcome, AllowedOutcome):
        return CANCELLED
    answer = _ANSWERS.get(outcome.option_id)
    if answer is None:
        return Decision(
            approved=False, reason=f"the editor answered with an unknown option {outcome.option_id!r}"
        )
    approved, scope = answer
    return Decision(approved=approved, scope=scope, reason="" if approved else "rejected by the user")


class EditorApprover:
    def __init__(self, client: PermissionClient) -> None:
        self._client = client
        self.session_id = ""
        # Builds the tool call shown with a request (set by the session, which knows the calls).
        self.describe: Callable[[ApprovalRequest], ToolCallUpdate] | None = None
        # Ends the turn (set by the session): called when the editor answers "cancelled".
        self.on_cancelled: Callable[[], None] | None = None
        self._announced: dict[str, asyncio.Event] = {}
        self._pending: dict[str, asyncio.Future[Decision]] = {}
        # Calls refused without asking, whose announcement may still be on its way.
        self._refused: set[str] = set()

    def announced(self, call_id: str) -> None:
        """The editor has been told about this call; a question about it may go out."""
        if call_id in self._refused:
            self._refused.discard(call_id)
            return
        self._event(call_id).set()

    def cancel_pending(self) -> None:
        for waiter in self._pending.values():
            if not waiter.done():
                waiter.set_result(CANCELLED)

    async def decide(self, request: ApprovalRequest) -> Decision:
        if request.protected:
            if self._announced.pop(request.call_id, None) is None:
                self._refused.add(request.call_id)
            return Decision(approved=False, reason=PROTECTED_REFUSAL.format(reason=request.reason))
        await self._event(request.call_id).wait()
        waiter: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        self._pending[request.call_id] = waiter
        asking = asyncio.create_task(self._ask(request, waiter))
        try:
            return await waiter
        finally:
            asking.cancel()
            self._pending.pop(request.call_id, None)
            self._announced.pop(request.call_id, None)

    async def _ask(self, request: ApprovalRequest, waiter: asyncio.Future[Decision]) -> None:
        tool_call = (
            self.describe(request)
            if self.describe is not None
            else ToolCallUpdate(tool_call_id=request.call_id, title=request.title)
        )
        try:
            response = await self._client.request_permission(self.session_id, tool_call, options_for(request))
            decision = decision_for(response)
            if not isinstance(response.outcome, AllowedOutcome) and self.on_cancelled is not None:
                self.on_cancelled()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the editor failed or went away: nothing was approved
            log.warning("permission request for %s failed: %s", request.call_id, exc)
            decision = Decision(
                approved=False, reason=f"the editor did not answer the permission request ({exc})"
            )
        if not waiter.done():
            waiter.set_result(decision)

    def _event(self, call_id: str) -> asyncio.Event:
        return self._announced.setdefault(call_id, asyncio.Event())

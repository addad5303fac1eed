"""Approvals as one request/reply pair on the protocol.

The dispatcher announces a call that needs the user as an `approval_requested` event; the
frontend shows it (a modal, an editor's permission request) and answers with an `ApprovalReply`
operation carrying the same `call_id`. Nothing else travels between them: no frontend implements
the engine's approver, so a question can never overtake the event announcing its call.
"""

from __future__ import annotations

import asyncio

from vibe.agent.approvals import ApprovalRequest, Decision
from vibe.protocol.operations import ApprovalReply

__all__ = ["INTERRUPTED", "ReplyApprover"]

INTERRUPTED = "the user interrupted the run"


class ReplyApprover:
    """The engine's approver for a conversation whose frontend answers by operation."""

    def __init__(self) -> None:
        self._waiting: dict[str, asyncio.Future[Decision]] = {}
        self._requests: dict[str, ApprovalRequest] = {}

    @property
    def pending(self) -> list[ApprovalRequest]:
        """The questions waiting for an answer, oldest first."""
        return list(self._requests.values())

    async def decide(self, request: ApprovalRequest) -> Decision:
        answer: asyncio.Future[Decision] = asyncio.get_running_loop().create_future()
        self._waiting[request.call_id] = answer
        self._requests[request.call_id] = request
        try:
            return await answer
        finally:
            self._waiting.pop(request.call_id, None)
            self._requests.pop(request.call_id, None)

    def reply(self, reply: ApprovalReply) -> bool:
        """Answers the question about `reply.call_id`; False if none is waiting (already
        answered, or the run ended meanwhile)."""
        answer = self._waiting.get(reply.call_id)
        if answer is None or answer.done():
            return False
        request = self._requests[reply.call_id]
        if reply.approved:
            # A protected change is approved one call at a time, whatever the frontend sent.
            scope = "once" if request.protected else reply.scope
            answer.set_result(Decision(approved=True, scope=scope))
        else:
            reason = reply.reason or "denied by the user"
            denied = Decision(approved=False, feedback=reply.feedback, reason=reason, scope=reply.scope)
            answer.set_result(denied)
        return True

    def cancel_pending(self, reason: str = INTERRUPTED) -> None:
        """Every open question is answered "no" (the run is being interrupted)."""
        for answer in self._waiting.values():
            if not answer.done():
                answer.set_result(Decision(approved=False, reason=reason))

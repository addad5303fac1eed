"""How a run ends when it cannot go on: the failures that end it, and the result's status.

Kept apart from the loop so that each ending (an endpoint failure, a refusal, a conversation
too big for the endpoint, an approval `--on-ask fail` wanted) is stated in one place, with the
words the user reads.
"""

from __future__ import annotations

from vibe.agent.approvals import ApprovalAbortedError
from vibe.agent.repeat_guard import RepeatedFailureError
from vibe.model.types import ModelError
from vibe.protocol import events as ev

__all__ = ["ImagesNotReadError", "PromptDeniedError"]

# What the result says when the endpoint's filter stopped the answer and it gave no words.
CONTENT_FILTERED = "the endpoint's content filter stopped the answer"


class ContextOverflowError(Exception):
    """The next request would not fit the model's context window."""


class ImagesNotReadError(Exception):
    """The prompt has images and the model does not read them: said before any request."""

    def __init__(self, model: str) -> None:
        super().__init__(
            f"{model} does not read images, so the prompt was not sent: switch to a model that "
            "does (one with `vision = true` in its profile) or leave the image out"
        )


class PromptDeniedError(Exception):
    """A user_prompt hook refused the prompt: it was not sent, nor kept."""


class RefusedError(Exception):
    """The endpoint refused to answer (a `content_filter` finish)."""

    def __init__(self, refusal: str, final_text: str) -> None:
        self.message = f"{CONTENT_FILTERED}: {refusal}" if refusal.strip() else CONTENT_FILTERED
        super().__init__(self.message)
        self.final_text = final_text


def does_not_fit(
    estimate: int, window: int, *, prompt_kept: bool, refusal: str | None
) -> ContextOverflowError:
    """The conversation is too big; `refusal` is the endpoint's own words when it said so (a 413
    or a "too long" answer), since then the window is what vibe learned from it."""
    limit = f"the model's context window ({window:,} tokens)"
    if refusal is not None:
        limit = f"what the endpoint accepts ({refusal})"
    if not prompt_kept:
        # Kept, it would make every later prompt of the session fail the same way.
        return ContextOverflowError(
            f"with this prompt the conversation (about {estimate:,} tokens) does not fit {limit}; "
            "the prompt was not kept: shorten it, /compact, start a new session or use a model "
            "with a larger window"
        )
    return ContextOverflowError(
        f"the conversation (about {estimate:,} tokens) no longer fits {limit}; /compact, start a "
        "new session or use a model with a larger window"
    )


def ending_for(exc: Exception) -> tuple[ev.StopReason, str, str] | None:
    """(stop reason, message, error kind) for a failure that ends a run; None for a bug."""
    match exc:
        case ModelError():
            return "error", exc.message, exc.kind
        case ApprovalAbortedError():
            return "approval_required", str(exc), "approval_required"
        case ContextOverflowError():
            return "error", str(exc), "context_overflow"
        case RefusedError():
            return "refusal", exc.message, "refusal"
        case PromptDeniedError():
            return "refusal", str(exc), "prompt_denied"
        case ImagesNotReadError():
            return "error", str(exc), "no_vision"
        case RepeatedFailureError():
            return "repeated_failure", str(exc), "repeated_failure"
        case _:
            return None


def status_for(stop: ev.StopReason) -> ev.ResultStatus:
    if stop == "end_turn":
        return "success"
    if stop == "cancelled":
        return "interrupted"
    if stop in ("error", "refusal", "approval_required", "repeated_failure"):
        return "error"
    return "limit"

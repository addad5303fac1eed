"""What a frontend asks of a conversation: the operations it submits.

The counterpart of `events`: a frontend turns what the user did (typed a prompt, pressed Esc,
answered an approval, picked a mode or a model) into one of these and submits it; what happens is
told back as events. Each is a small frozen model with a `type` literal, so a frontend that speaks
JSON (an editor, a remote client) can send the same objects the TUI builds in Python.

The conversation service (`vibe.service`) carries them out, once for every frontend.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from vibe.config.settings import PermissionMode
from vibe.messages import ImageAttachment

__all__ = [
    "ApprovalReply",
    "Compact",
    "Interrupt",
    "NewConversation",
    "Operation",
    "Prompt",
    "Redo",
    "RestartMcpServer",
    "ResumeConversation",
    "Rewind",
    "SetAgent",
    "SetMode",
    "SetModel",
    "Undo",
    "parse_operation",
]


class _Operation(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Prompt(_Operation):
    """Run the agent on what the user wrote, until the model stops or a limit is hit."""

    type: Literal["prompt"] = "prompt"
    text: str
    # Attached to the prompt (`@shot.png`, an editor's image block); a model without vision
    # ends the run before any request.
    images: tuple[ImageAttachment, ...] = ()


class Interrupt(_Operation):
    """Stop the running prompt or compaction; its last event is a result with reason `cancelled`."""

    type: Literal["interrupt"] = "interrupt"


class ApprovalReply(_Operation):
    """The user's answer to an `approval_requested` event, matched by its `call_id`."""

    type: Literal["approval_reply"] = "approval_reply"
    call_id: str
    approved: bool
    # once: this call only; session: like calls until the session ends; always: store a rule.
    scope: Literal["once", "session", "always"] = "once"
    # What the model should read along with a refusal (why, or what to do instead).
    feedback: str | None = None
    # Why it was refused, when a frontend refuses on its own rather than the user (an editor
    # refusing a protected change); shown in the audit log and to the model.
    reason: str | None = None


class SetMode(_Operation):
    """Switch the permission mode; answered by a `mode_changed` event."""

    type: Literal["set_mode"] = "set_mode"
    mode: PermissionMode


class SetModel(_Operation):
    """Use another model from the next request on; answered by a `model_changed` event."""

    type: Literal["set_model"] = "set_model"
    # A configured alias or a raw model id, as the user typed or picked it.
    name: str


class SetAgent(_Operation):
    """Work as a custom agent (or as configured: `default`) from the next request on; answered
    by an `agent_changed` event (and `model_changed` when the agent names a model)."""

    type: Literal["set_agent"] = "set_agent"
    name: str


class Compact(_Operation):
    """Summarise the conversation now, optionally focused on what the user asks to keep."""

    type: Literal["compact"] = "compact"
    instructions: str | None = None


class NewConversation(_Operation):
    """Leave the current conversation (it stays saved) and start an empty one."""

    type: Literal["new"] = "new"


class ResumeConversation(_Operation):
    """Continue a saved session of this folder."""

    type: Literal["resume"] = "resume"
    session_id: str


class Undo(_Operation):
    """Take the workspace's files back to before this conversation's latest prompt not yet
    undone. Unconfirmed, it only says what would change (`restore_planned`); confirmed, it
    restores (`checkpoint_restored`). Files the user changed since are kept unless `force`."""

    type: Literal["undo"] = "undo"
    confirmed: bool = False
    force: bool = False


class Redo(_Operation):
    """Put back what the last undo took away; asked and answered like `Undo`."""

    type: Literal["redo"] = "redo"
    confirmed: bool = False
    force: bool = False


class Rewind(_Operation):
    """Go back to before an earlier prompt of this conversation (`prompt`, numbered from 1 as
    `rewind_choices` lists them): its files, the conversation (the agent continues from the
    history as it was before that prompt), or both. Without `prompt`, only lists the choices
    (`rewind_choices`); unconfirmed, only says what would change (`restore_planned`). Files the
    user changed since that prompt are kept unless `force`."""

    type: Literal["rewind"] = "rewind"
    prompt: int | None = Field(default=None, ge=1)
    restore: Literal["files", "conversation", "both"] = "both"
    confirmed: bool = False
    force: bool = False


class RestartMcpServer(_Operation):
    """Stop one of the session's MCP servers and start it again; answered, once it is ready, by
    an `mcp_server_notice` (a server that fails again gives its failure notice instead)."""

    type: Literal["restart_mcp_server"] = "restart_mcp_server"
    name: str


Operation = Annotated[
    Prompt
    | Interrupt
    | ApprovalReply
    | SetMode
    | SetModel
    | SetAgent
    | Compact
    | NewConversation
    | ResumeConversation
    | Undo
    | Redo
    | Rewind
    | RestartMcpServer,
    Field(discriminator="type"),
]


def parse_operation(data: str | bytes) -> Operation:
    """One operation from its JSON; raises pydantic's ValidationError for anything else."""
    # Built on demand, as the event schema is: no frontend needs it at start-up.
    return TypeAdapter[Operation](Operation).validate_json(data)

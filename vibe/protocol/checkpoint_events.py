"""Events of checkpoints and undo (part of the one event union in `vibe.protocol.events`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vibe.protocol.event_base import Event

__all__ = [
    "CheckpointCreated",
    "CheckpointRestored",
    "ConversationRewound",
    "RestoreChange",
    "RestorePlanned",
    "RewindChoice",
    "RewindChoices",
]


class CheckpointCreated(Event):
    """The workspace was kept as a checkpoint just before the first change made for a prompt
    (`vibe undo`, `/undo` take the workspace back to it)."""

    type: Literal["checkpoint_created"] = "checkpoint_created"
    checkpoint_id: str
    turn_id: str
    # The prompt's number in this conversation (1 for the first).
    prompt: int
    # Files that differ from the previous checkpoint of this workspace (0 for the first).
    files_changed: int
    # Left out for their size (`[checkpoints] max_file_size`): an undo does not bring them back.
    skipped: list[str] = Field(default_factory=list[str])


class CheckpointRestored(Event):
    """Files were put back as a checkpoint had them (undo, redo, rewind)."""

    type: Literal["checkpoint_restored"] = "checkpoint_restored"
    checkpoint_id: str
    # What restored it (None from a version that did not say).
    action: Literal["undo", "redo", "rewind"] | None = None
    # The checkpoint of the state just before: restoring it takes this restore back.
    restore_point_id: str
    restored: list[str] = Field(default_factory=list[str])
    # Changed by the user since, kept as they are (not forced).
    kept: list[str] = Field(default_factory=list[str])
    # Could not be written (a symlink in the way, inside `.git`, a nested repository).
    failed: list[str] = Field(default_factory=list[str])


class RestoreChange(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    action: Literal["create", "restore", "delete"]
    path: str


class RestorePlanned(Event):
    """What an undo, redo or rewind would change, before it does (the frontend asks the user)."""

    type: Literal["restore_planned"] = "restore_planned"
    action: Literal["undo", "redo", "rewind"]
    # Empty when a rewind leaves the files as they are (the conversation only).
    checkpoint_id: str
    changes: list[RestoreChange] = Field(default_factory=list[RestoreChange])
    # Changed by the user since that prompt: kept as they are unless forced.
    kept: list[str] = Field(default_factory=list[str])
    # A rewind of the conversation: the prompt it goes back to before, and how many messages
    # the agent would forget (0: the conversation stays as it is).
    prompt: int | None = None
    messages_dropped: int = 0


class RewindChoice(BaseModel):
    """An earlier prompt of the conversation that /rewind can go back to before."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    prompt: int  # numbered from 1, in the order sent
    text: str  # the prompt's first line, shortened
    # The checkpoint taken before its first change; None when the prompt changed no file.
    checkpoint_id: str | None = None
    files_changed: int = 0
    # False once a compaction summarised it away: only its files can be rewound.
    conversation: bool = True


class RewindChoices(Event):
    """The prompts /rewind can go back to, oldest first (the frontend shows a picker or list)."""

    type: Literal["rewind_choices"] = "rewind_choices"
    choices: list[RewindChoice] = Field(default_factory=list[RewindChoice])


class ConversationRewound(Event):
    """The conversation went back to before prompt `prompt`: the agent continues from there."""

    type: Literal["conversation_rewound"] = "conversation_rewound"
    prompt: int
    # The prompt's text, for a frontend to offer it again.
    text: str
    messages_dropped: int

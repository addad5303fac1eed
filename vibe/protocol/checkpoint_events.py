"""Events of checkpoints and undo (part of the one event union in `vibe.protocol.events`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vibe.protocol.event_base import Event

__all__ = ["CheckpointCreated", "CheckpointRestored", "RestoreChange", "RestorePlanned"]


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
    """What an undo or redo would change, before it does (the frontend asks the user)."""

    type: Literal["restore_planned"] = "restore_planned"
    action: Literal["undo", "redo"]
    checkpoint_id: str
    changes: list[RestoreChange] = Field(default_factory=list[RestoreChange])
    # Changed by the user since that prompt: kept as they are unless forced.
    kept: list[str] = Field(default_factory=list[str])

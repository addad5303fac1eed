"""The conversation vocabulary: what is persisted in sessions and sent to the model.

One owner for messages (see ARCHITECTURE.md). The model adapter turns these into wire JSON;
the agent appends them; the session store writes them as they are appended.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

__all__ = [
    "AssistantMessage",
    "ImageAttachment",
    "ImageType",
    "Message",
    "Note",
    "SystemMessage",
    "ToolCall",
    "ToolMessage",
    "Usage",
    "UserMessage",
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ToolCall(_Frozen):
    """A tool call the model asked for. `arguments` is the raw JSON text the model wrote."""

    id: str
    name: str
    arguments: str


class Usage(_Frozen):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Note(_Frozen):
    """What vibe tells the model about a message, apart from what was said: an answer cut short
    (and why), a placeholder for a reply that never came, a compaction's summary. Kept out of
    `content` so that nothing showing a conversation has to strip it; `vibe.notes` renders it
    into the text when the request goes on the wire."""

    kind: Literal["cut_short", "no_reply", "summary"]
    # Why an answer was cut short ("the run was interrupted").
    why: str = ""


class SystemMessage(_Frozen):
    role: Literal["system"] = "system"
    content: str


ImageType = Literal["image/png", "image/jpeg", "image/gif", "image/webp"]


class ImageAttachment(_Frozen):
    """An image the user attached to a prompt (`@shot.png`, an editor's image block)."""

    name: str  # where it came from, for people: never sent to the model
    media_type: ImageType
    data: str  # base64


class UserMessage(_Frozen):
    role: Literal["user"] = "user"
    content: str
    images: tuple[ImageAttachment, ...] = ()
    note: Note | None = None

    @model_serializer(mode="wrap")
    def _without_empty_images(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # A prompt without images is saved as it always was (older vibes can read it).
        dumped: dict[str, object] = handler(self)
        if not self.images:
            dumped.pop("images", None)
        return dumped


class AssistantMessage(_Frozen):
    role: Literal["assistant"] = "assistant"
    content: str = ""
    # Reasoning ("thinking") the model produced; sent back to models that expect it.
    reasoning: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    note: Note | None = None


class ToolMessage(_Frozen):
    role: Literal["tool"] = "tool"
    tool_call_id: str
    name: str
    content: str


Message = Annotated[
    SystemMessage | UserMessage | AssistantMessage | ToolMessage,
    Field(discriminator="role"),
]

"""The records of a session file, one JSON object a line, each with its `kind`; written by
`SessionWriter.write` only and read by `read_session` only.

The first line is the header (`SessionHeader`). Its `format` says which version of this
vocabulary wrote the file, as "major.minor"; files from before it was recorded have none and
are format 1.0. A minor version only adds (a kind, a field with a default), so an older reader
skips what it does not know and misreads nothing: records of unknown kinds, and records it cannot
read, are skipped and counted. A major version may change what existing records mean, so a file
of a newer major version is refused with `SessionFormatError` rather than misread.

The on-disk JSON of every kind is the one vibe wrote before the records were typed, so the
files of earlier versions load as they are (tests/fixtures/sessions keeps some). Format 1.0 kept
a message's note for the model in its text; reading such a file moves it into the `note` field
(vibe.notes.from_marked_text), so everything past the reader sees one shape. A 1.0 file that a
newer run resumes keeps its header; what that run appends reads back as written, since messages
that carry a note are left alone (only a note-less message ending in a note's very words, which
no model writes by chance, would be taken for one).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_serializer,
)

from vibe.messages import Message
from vibe.notes import from_marked_text

__all__ = [
    "AgentRecord",
    "CheckpointRecord",
    "CheckpointRestoredRecord",
    "CompactionRecord",
    "MessageRecord",
    "ModeRecord",
    "Record",
    "ResultRecord",
    "RetractRecord",
]

# 1.1: messages may carry a `note` for the model (vibe.messages), kept out of their text.
# 1.2: `checkpoint_restored` records (undo, redo, rewind); a retract may name the prompt a
# /rewind took the conversation back to (an older reader still takes the messages back).
# 1.3: `agent` records: the custom agent the conversation works as (restored on resume).
FORMAT = (1, 3)
_NOTES_IN_FIELD = (1, 1)
CURRENT_FORMAT = f"{FORMAT[0]}.{FORMAT[1]}"


@functools.cache
def _message_adapter() -> TypeAdapter[Message]:
    return TypeAdapter(Message)


class SessionNotFoundError(Exception):
    """No session by that id (or none to continue)."""


class SessionFormatError(SessionNotFoundError):
    """A session file written by a newer major version of vibe: refused, not misread. Reported
    wherever an unknown session is, as the user can do nothing else with it here."""


def _readable_messages(raw: Any) -> Any:
    """A list of saved messages keeps those this version can read (one from a newer version is
    dropped, not fatal to the record holding it)."""
    if not isinstance(raw, list):
        return raw
    kept: list[Message] = []
    for item in raw:  # pyright: ignore[reportUnknownVariableType]
        try:
            kept.append(_message_adapter().validate_python(item))
        except ValidationError:
            continue
    return kept


Messages = Annotated[list[Message], BeforeValidator(_readable_messages)]


def _message_json(message: Message) -> dict[str, Any]:
    # No `"note": null` on every message: a file stays readable by a version without notes
    # wherever it has none.
    return message.model_dump(mode="json", exclude_none=True)


def _as_version_text(value: Any) -> Any:
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class _Record(BaseModel):
    # Fields a newer minor version adds are ignored by this one. Validators are built on first
    # use: a one-shot run writes a few kinds and reads none, and start-up time is budgeted.
    model_config = ConfigDict(frozen=True, extra="ignore", defer_build=True)


class SessionHeader(_Record):
    kind: Literal["session"] = "session"
    id: str
    cwd: str = ""
    created: str = ""
    model: str = ""
    # Which face of vibe started it: "terminal", "headless" or "editor" ("" before it was recorded).
    frontend: str = ""
    # What files written before it was recorded are; a bare number (2) is read as "2.0".
    format: Annotated[str, BeforeValidator(_as_version_text)] = "1.0"

    @property
    def format_version(self) -> tuple[int, int]:
        major, _, minor = self.format.partition(".")
        try:
            return int(major), int(minor or 0)
        except ValueError:
            return (FORMAT[0] + 1, 0)  # not a version this one knows how to write: newer


class MessageRecord(_Record):
    """A message added to the conversation."""

    kind: Literal["message"] = "message"
    message: Message

    @field_serializer("message")
    def _dump_message(self, message: Message) -> dict[str, Any]:
        return _message_json(message)


class ModeRecord(_Record):
    """The permission mode was switched (restored when an editor loads the session)."""

    kind: Literal["mode"] = "mode"
    mode: str


class AgentRecord(_Record):
    """The conversation now works as the custom agent `name` ("default": as configured);
    resuming the session works as it again."""

    kind: Literal["agent"] = "agent"
    name: str


class CompactionRecord(_Record):
    """The compacted conversation, replacing everything before it."""

    kind: Literal["compaction"] = "compaction"
    messages: Messages

    @field_serializer("messages")
    def _dump_messages(self, messages: list[Message]) -> list[dict[str, Any]]:
        return [_message_json(message) for message in messages]


class ForkRecord(_Record):
    """The first record of a fork: the conversation it continues, and the session it came from."""

    kind: Literal["fork"] = "fork"
    forked_from: str
    messages: Messages

    @field_serializer("messages")
    def _dump_messages(self, messages: list[Message]) -> list[dict[str, Any]]:
        return [_message_json(message) for message in messages]


class RetractRecord(_Record):
    """The last `messages` messages were taken back (a prompt that did not fit, or /rewind)."""

    kind: Literal["retract"] = "retract"
    messages: int = Field(gt=0)
    # Set by /rewind: the conversation continues from before this prompt (1 for the first).
    rewound_to_prompt: int | None = None


class CallStartedRecord(_Record):
    """How a tool call was shown when it started (vibe.session.call_views)."""

    kind: Literal["tool_call"] = "tool_call"
    call_id: str
    title: str
    tool_kind: str
    locations: list[str] = Field(default_factory=list[str])


class CallFinishedRecord(_Record):
    """How a tool call ended: "ok", "error", "denied" or "cancelled"."""

    kind: Literal["tool_call_status"] = "tool_call_status"
    call_id: str
    status: str


class ResultRecord(_Record):
    """How a run ended: the `result` event as the frontends saw it (all of its fields are kept;
    the totals `vibe sessions` adds up are typed)."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)
    kind: Literal["result"] = "result"
    turns: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0


class CheckpointRecord(_Record):
    """A checkpoint taken before a prompt's first change (vibe.checkpoints), or the failure to
    take one: the session says which prompts can be undone."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)
    kind: Literal["checkpoint_created", "checkpoint_failed"]
    time: str = ""
    turn_id: str = ""
    checkpoint_id: str | None = None
    files_changed: int = 0
    error: str | None = None


class CheckpointRestoredRecord(_Record):
    """Files were put back as a checkpoint had them: by /undo, /redo or /rewind in the
    conversation, or by `vibe undo`, `vibe redo` or `vibe checkpoints restore` (`action`)."""

    kind: Literal["checkpoint_restored"] = "checkpoint_restored"
    time: str = ""
    action: str = ""
    checkpoint_id: str = ""
    # The checkpoint of the state just before (restoring it takes this restore back).
    restore_point_id: str = ""
    restored: list[str] = Field(default_factory=list[str])
    kept: list[str] = Field(default_factory=list[str])
    failed: list[str] = Field(default_factory=list[str])


Record = Annotated[
    MessageRecord
    | ModeRecord
    | AgentRecord
    | CompactionRecord
    | ForkRecord
    | RetractRecord
    | CallStartedRecord
    | CallFinishedRecord
    | ResultRecord
    | CheckpointRecord
    | CheckpointRestoredRecord,
    Field(discriminator="kind"),
]
_KINDS = frozenset(
    {
        "message",
        "mode",
        "agent",
        "compaction",
        "fork",
        "retract",
        "tool_call",
        "tool_call_status",
        "result",
        "checkpoint_created",
        "checkpoint_failed",
        "checkpoint_restored",
    }
)


@functools.cache
def _record_adapter() -> TypeAdapter[Record]:
    return TypeAdapter(Record)


def record_json(record: SessionHeader | Record) -> str:
    """One line of the file (without its newline)."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class SessionRecords:
    """A session file read: its header, then its records in order."""

    header: SessionHeader | None
    records: list[Record] = field(default_factory=list[Record])
    # Lines that were not JSON (a crash or a full disk cut one short).
    damaged_lines: int = 0
    # Records this version does not know (a newer minor version wrote them).
    skipped_records: int = 0


def read_header(line: str) -> SessionHeader | None:
    """The header on a file's first line; None when that is not one. Not checked against this
    version's format: a newer file is still listed, and refused when it is opened."""
    try:
        raw: object = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(raw, dict) or raw.get("kind") != "session":  # pyright: ignore[reportUnknownMemberType]
        return None
    try:
        return SessionHeader.model_validate(raw)
    except ValidationError:
        return None


def read_session(path: Path) -> SessionRecords:
    """Every record of the file at `path`; raises SessionFormatError for a newer major format,
    OSError when it cannot be read."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        return parse_lines(handle, path)


def parse_lines(lines: Iterable[str], path: Path) -> SessionRecords:
    read = SessionRecords(header=None)
    first = True
    for line in lines:
        if not line.strip():
            continue
        try:
            raw: object = json.loads(line)
        except json.JSONDecodeError:
            raw = None  # a torn line from a crash: everything before it is intact
        if not isinstance(raw, dict):
            read.damaged_lines += 1
            continue
        fields: dict[str, object] = raw  # pyright: ignore[reportUnknownVariableType]
        if first and fields.get("kind") == "session":
            read.header = _checked_header(fields, path)
        elif fields.get("kind") not in _KINDS:
            read.skipped_records += 1
        else:
            try:
                read.records.append(_record_adapter().validate_python(fields))
            except ValidationError:
                read.skipped_records += 1
        first = False
    written_by = read.header.format_version if read.header is not None else (1, 0)
    if written_by < _NOTES_IN_FIELD:
        read.records = [_notes_moved_to_field(record) for record in read.records]
    return read


def _notes_moved_to_field(record: Record) -> Record:
    match record:
        case MessageRecord(message=message):
            return record.model_copy(update={"message": from_marked_text(message)})
        case CompactionRecord(messages=held) | ForkRecord(messages=held):
            return record.model_copy(update={"messages": [from_marked_text(message) for message in held]})
        case _:
            return record


def _checked_header(fields: dict[str, object], path: Path) -> SessionHeader:
    try:
        header = SessionHeader.model_validate(fields)
    except ValidationError:
        # Not a header this version can read, so not a file it can read without guessing.
        raise SessionFormatError(
            f"session file {path} has a header this version of vibe cannot read; update vibe to open it"
        ) from None
    major = header.format_version[0]
    if major > FORMAT[0]:
        raise SessionFormatError(
            f"session file {path} was written by a newer version of vibe (format {header.format}; "
            f"this one reads format {FORMAT[0]}); update vibe to open it"
        )
    return header

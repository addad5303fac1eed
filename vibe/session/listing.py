"""One line about each saved session, for lists people choose from (`vibe sessions list`, the
TUI's /resume picker): its first prompt, where it ran, its size and its last activity.

A folder can hold hundreds of sessions, each up to megabytes, so a summary reads the header and
the first few records only (the first prompt is almost always the second line); size and last
activity come from the file's metadata.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from vibe.messages import Message, UserMessage
from vibe.session.records import ForkRecord, MessageRecord, SessionFormatError, parse_lines
from vibe.session.store import SessionInfo

# What a session written by a newer vibe is listed with: its records are not read.
NEWER_FORMAT = "(written by a newer version of vibe)"
# Records read looking for the first prompt before giving up (a mode switch or a fork can come
# first; a session whose first prompt lies further in is not worth reading all of to find it).
_RECORDS_SEARCHED = 20


@dataclass(frozen=True, slots=True)
class SessionSummary:
    info: SessionInfo
    first_prompt: str  # on one line, whitespace collapsed; "" if none was found
    updated: datetime  # the last write, in UTC
    size_bytes: int


def summarise(info: SessionInfo) -> SessionSummary | None:
    """None if the file went away since it was listed (another run may have deleted it)."""
    try:
        stat = info.path.stat()
        prompt = _first_prompt(info)
    except OSError:
        return None
    return SessionSummary(
        info=info,
        first_prompt=prompt,
        updated=datetime.fromtimestamp(stat.st_mtime, UTC),
        size_bytes=stat.st_size,
    )


def _first_prompt(info: SessionInfo) -> str:
    try:
        with info.path.open(encoding="utf-8", errors="replace") as handle:
            read = parse_lines(islice(handle, 1 + _RECORDS_SEARCHED), info.path)
    except SessionFormatError:
        return NEWER_FORMAT
    for record in read.records:
        held: list[Message]
        match record:
            case MessageRecord(message=message):
                held = [message]
            case ForkRecord(messages=messages):
                # A fork carries the conversation it continues: its first prompt names it best.
                held = messages
            case _:
                continue
        for message in held:
            if isinstance(message, UserMessage) and message.content.strip():
                return " ".join(message.content.split())
    return ""


def shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def human_size(size_bytes: int) -> str:
    if size_bytes < 1024:
        return f"{size_bytes} B"
    if size_bytes < 1024 * 1024:
        return f"{size_bytes / 1024:.0f} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


def time_ago(moment: datetime, now: datetime) -> str:
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    if days < 14:
        return "yesterday" if days == 1 else f"{days} days ago"
    return moment.strftime("%Y-%m-%d")


__all__ = ["NEWER_FORMAT", "SessionSummary", "human_size", "shortened", "summarise", "time_ago"]

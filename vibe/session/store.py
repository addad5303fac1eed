"""Sessions: append-only JSONL files under $VIBE_HOME/sessions, written as things happen.

Line 1 is a header (id, cwd, model, start time); then one line per conversation message, one
per run summary, two per tool call saying how it was shown (vibe.session.call_views), and one
per compaction holding the compacted conversation that replaces what came before (or one
taking back a prompt that did not fit). Each line is flushed when written, so a crash loses at
most the line in progress, and a torn last line is skipped on load (and counted, so the user is
told). Known secrets are redacted before writing.

One process writes a session at a time (`vibe.session.lock`): a run that resumes a session another
run is still writing forks it, into a new session whose header names the original
(`forked_from`) and whose first record carries the conversation so far, and never interleaves.
Before appending to a file whose last line was cut off, a newline closes it, so the new lines are
not glued onto the broken one.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from vibe.config.secrets import REDACTED, Redactor
from vibe.messages import Message
from vibe.session.lock import SessionBusyError, SessionLock

_MESSAGE: TypeAdapter[Message] = TypeAdapter(Message)


class SessionNotFoundError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: str
    path: Path
    cwd: str
    created: str
    model: str
    # Which face of vibe started it: "terminal", "headless" or "editor" ("" before it was recorded).
    frontend: str = ""


@dataclass(frozen=True, slots=True)
class LoadedSession:
    messages: list[Message]
    # Lines that could not be read (a crash or a full disk cut one short); they were skipped.
    damaged_lines: int = 0


class SessionWriter:
    def __init__(
        self,
        info: SessionInfo,
        handle: TextIO,
        redact: Redactor,
        lock: SessionLock | None = None,
    ) -> None:
        self.info = info
        self._handle = handle
        self._redact = redact
        self._lock = lock

    @property
    def id(self) -> str:
        return self.info.id

    def _write(self, record: dict[str, Any]) -> None:
        line = self._redact(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        self._handle.write(line + "\n")
        self._handle.flush()

    def append_message(self, message: Message) -> None:
        self._write({"kind": "message", "message": message.model_dump(mode="json")})

    def append_record(self, kind: str, data: dict[str, Any]) -> None:
        self._write({"kind": kind, **data})

    def close(self) -> None:
        try:
            self._handle.close()
        finally:
            if self._lock is not None:
                self._lock.release()


def _new_id() -> str:
    # Sortable by creation time (to the microsecond), unique by the random tail.
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f-") + secrets.token_hex(2)


def read_records(path: Path, damaged: list[int] | None = None) -> Iterator[dict[str, Any]]:
    """The records of a session file; `damaged` (if given) counts the lines that were not."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                record = None  # a torn line from a crash: everything before it is intact
            if isinstance(record, dict):
                yield record  # pyright: ignore[reportUnknownMessageType]
            elif damaged is not None:
                damaged[0] += 1


def _header(path: Path) -> SessionInfo | None:
    try:
        with path.open(encoding="utf-8") as handle:
            record = json.loads(handle.readline())
    except (OSError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or record.get("kind") != "session":  # pyright: ignore[reportUnknownMemberType]
        return None
    return SessionInfo(
        id=str(record["id"]),  # pyright: ignore[reportUnknownArgumentType]
        path=path,
        cwd=str(record.get("cwd", "")),  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
        created=str(record.get("created", "")),  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
        model=str(record.get("model", "")),  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
        frontend=str(record.get("frontend", "")),  # pyright: ignore[reportUnknownArgumentType, reportUnknownMemberType]
    )


def valid_messages(raw: list[Any]) -> list[Message]:
    """The messages that still parse (a record from a future version is skipped, not fatal)."""
    messages: list[Message] = []
    for item in raw:
        try:
            messages.append(_MESSAGE.validate_python(item))
        except ValidationError:
            continue
    return messages


class SessionStore:
    def __init__(self, root: Path, redact: Redactor | None = None) -> None:
        self.root = root
        self._redact = redact or Redactor()

    def create(self, cwd: Path, model: str, frontend: str = "") -> SessionWriter:
        self.root.mkdir(parents=True, exist_ok=True)
        session_id = _new_id()
        path = self.root / f"{session_id}.jsonl"
        created = datetime.now(UTC).isoformat(timespec="seconds")
        info = SessionInfo(
            id=session_id, path=path, cwd=str(cwd), created=created, model=model, frontend=frontend
        )
        handle = path.open("x", encoding="utf-8")
        path.chmod(0o600)  # conversations can hold private code
        lock = SessionLock(path)
        lock.acquire()  # a new file: nobody else can hold it yet
        writer = SessionWriter(info, handle, self._redact, lock)
        writer.append_record(
            "session",
            {"id": session_id, "cwd": str(cwd), "created": created, "model": model, "frontend": frontend},
        )
        return writer

    def fork(self, info: SessionInfo, messages: list[Message], frontend: str = "") -> SessionWriter:
        """A new session continuing `info`'s conversation (`messages`), for a run that found it
        being written by another; its header names the original."""
        writer = self.create(Path(info.cwd), info.model, frontend)
        writer.append_record(
            "fork",
            {"forked_from": info.id, "messages": [m.model_dump(mode="json") for m in messages]},
        )
        return writer

    def sessions_for(self, cwd: Path) -> list[SessionInfo]:
        """This directory's sessions, newest first."""
        if not self.root.is_dir():
            return []
        infos = [
            info for path in self.root.glob("*.jsonl") if (info := _header(path)) and info.cwd == str(cwd)
        ]
        # Last written first; file times can be coarse, so ties fall back to creation order.
        return sorted(infos, key=lambda info: (info.path.stat().st_mtime_ns, info.id), reverse=True)

    def all_sessions(self) -> list[SessionInfo]:
        """Every folder's sessions, newest first."""
        if not self.root.is_dir():
            return []
        infos = [info for path in self.root.glob("*.jsonl") if (info := _header(path))]
        return sorted(infos, key=lambda info: (info.path.stat().st_mtime_ns, info.id), reverse=True)

    def find(self, session_id: str) -> SessionInfo:
        path = self.root / f"{Path(session_id).name}.jsonl"
        info = _header(path) if path.is_file() else None
        if info is None:
            raise SessionNotFoundError(f"no session {session_id!r} in {self.root}")
        return info

    def load_messages(self, info: SessionInfo) -> list[Message]:
        return self.load(info).messages

    def load(self, info: SessionInfo) -> LoadedSession:
        """The conversation as the model last saw it: a compaction (or fork) record replaces what
        came before it with the history it holds."""
        messages: list[Message] = []
        damaged = [0]
        for record in read_records(info.path, damaged):
            kind = record.get("kind")
            if kind == "message":
                messages.extend(valid_messages([record.get("message")]))
            elif kind in ("compaction", "fork") and isinstance(held := record.get("messages"), list):
                messages = valid_messages(held)  # pyright: ignore[reportUnknownArgumentType]
            elif kind == "retract" and isinstance(count := record.get("messages"), int) and count > 0:
                del messages[-count:]
        return LoadedSession(messages, damaged[0])

    def saved_mode(self, info: SessionInfo) -> str | None:
        """The permission mode the session was last switched to, if it ever was."""
        mode: str | None = None
        for record in read_records(info.path):
            if record.get("kind") == "mode" and isinstance(value := record.get("mode"), str):
                mode = value
        return mode

    def reopen(self, info: SessionInfo) -> SessionWriter:
        """Appends to an existing session (resume); SessionBusyError while another process
        writes it (fork it then)."""
        lock = SessionLock(info.path)
        lock.acquire()
        try:
            _close_torn_line(info.path)
            handle = info.path.open("a", encoding="utf-8")
        except BaseException:
            lock.release()
            raise
        return SessionWriter(info, handle, self._redact, lock)


def _close_torn_line(path: Path) -> None:
    """A file whose last line was cut off gets the newline it lacks, so the next record starts a
    line of its own instead of being glued onto the broken one (and lost with it)."""
    with path.open("rb+") as handle:
        if handle.seek(0, 2) == 0:
            return
        handle.seek(-1, 2)
        if handle.read(1) != b"\n":
            handle.write(b"\n")


__all__ = [
    "REDACTED",
    "LoadedSession",
    "SessionBusyError",
    "SessionInfo",
    "SessionNotFoundError",
    "SessionStore",
    "SessionWriter",
]

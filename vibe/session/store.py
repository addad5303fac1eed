"""Sessions: append-only JSONL files under $VIBE_HOME/sessions, written as things happen.

Line 1 is a header (id, cwd, model, start time, format version); then one line per conversation
message, one per run summary, two per tool call saying how it was shown
(vibe.session.call_views), and one per compaction holding the compacted conversation that
replaces what came before (or one taking back a prompt that did not fit). Every line is a typed
record of vibe.session.records, written by `SessionWriter.write` and read by `read_session`.
Each line is flushed when written, so a crash loses at most the line in progress, and a torn
last line is skipped on load (and counted, so the user is told). Known secrets are redacted
before writing.

One process writes a session at a time (`vibe.session.lock`): a run that resumes a session another
run is still writing forks it, into a new session whose first record names the original
(`forked_from`) and whose first record carries the conversation so far, and never interleaves.
Before appending to a file whose last line was cut off, a newline closes it, so the new lines are
not glued onto the broken one.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from vibe.config.secrets import REDACTED, Redactor
from vibe.messages import Message
from vibe.session.lock import SessionBusyError, SessionLock
from vibe.session.records import (
    CURRENT_FORMAT,
    AgentRecord,
    CompactionRecord,
    ForkRecord,
    MessageRecord,
    ModeRecord,
    Record,
    RetractRecord,
    SessionFormatError,
    SessionHeader,
    SessionNotFoundError,
    read_header,
    read_session,
    record_json,
)


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
    # Records a newer version of vibe wrote that this one does not know; skipped too.
    skipped_records: int = 0


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

    def write(self, record: SessionHeader | Record) -> None:
        """Appends one record, redacted, and flushes it (a crash loses at most this line)."""
        self._handle.write(self._redact(record_json(record)) + "\n")
        self._handle.flush()

    def append_message(self, message: Message) -> None:
        """Shorthand for the commonest record."""
        self.write(MessageRecord(message=message))

    def close(self) -> None:
        try:
            self._handle.close()
        finally:
            if self._lock is not None:
                self._lock.release()


def _new_id() -> str:
    # Sortable by creation time (to the microsecond), unique by the random tail.
    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f-") + secrets.token_hex(2)


def _header(path: Path) -> SessionInfo | None:
    try:
        with path.open(encoding="utf-8") as handle:
            header = read_header(handle.readline())
    except (OSError, UnicodeDecodeError):
        return None
    if header is None:
        return None
    return SessionInfo(
        id=header.id,
        path=path,
        cwd=header.cwd,
        created=header.created,
        model=header.model,
        frontend=header.frontend,
    )


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
        writer.write(
            SessionHeader(
                id=session_id,
                cwd=str(cwd),
                created=created,
                model=model,
                frontend=frontend,
                format=CURRENT_FORMAT,
            )
        )
        return writer

    def fork(self, info: SessionInfo, messages: list[Message], frontend: str = "") -> SessionWriter:
        """A new session continuing `info`'s conversation (`messages`), for a run that found it
        being written by another; its header names the original."""
        writer = self.create(Path(info.cwd), info.model, frontend)
        writer.write(ForkRecord(forked_from=info.id, messages=messages))
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
        came before it with the history it holds. Raises SessionFormatError for a file of a
        newer major format."""
        read = read_session(info.path)
        messages: list[Message] = []
        for record in read.records:
            match record:
                case MessageRecord(message=message):
                    messages.append(message)
                case CompactionRecord(messages=held) | ForkRecord(messages=held):
                    messages = list(held)
                case RetractRecord(messages=count):
                    del messages[-count:]
                case _:
                    pass
        return LoadedSession(messages, read.damaged_lines, read.skipped_records)

    def saved_mode(self, info: SessionInfo) -> str | None:
        """The permission mode the session was last switched to, if it ever was."""
        modes = [record.mode for record in read_session(info.path).records if isinstance(record, ModeRecord)]
        return modes[-1] if modes else None

    def saved_agent(self, info: SessionInfo) -> str | None:
        """The custom agent the session last worked as, if it ever chose one."""
        names = [record.name for record in read_session(info.path).records if isinstance(record, AgentRecord)]
        return names[-1] if names else None

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
    "SessionFormatError",
    "SessionInfo",
    "SessionNotFoundError",
    "SessionStore",
    "SessionWriter",
]

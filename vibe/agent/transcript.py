"""The conversation's history together with its session file.

Every change the agent makes to the history (a message added, one taken back, a rewind, a
compaction) is written to the session file as it happens, so a resumed session reads the same
conversation. Keeping both in one object means no change can reach one and miss the other.
"""

from __future__ import annotations

from pathlib import Path

from vibe.agent.session_log import SessionLog
from vibe.messages import AssistantMessage, Message, UserMessage
from vibe.protocol import events as ev
from vibe.session.records import CompactionRecord, Record, ResultRecord, RetractRecord
from vibe.session.store import SessionWriter

__all__ = ["Transcript"]


class Transcript:
    def __init__(self, session: SessionWriter | None, session_id: str, history: list[Message] | None) -> None:
        self.messages: list[Message] = list(history or [])
        self.log = SessionLog(session, session_id)

    @property
    def path(self) -> Path | None:
        """The file this conversation is saved in (None when it is not saved)."""
        return self.log.path

    def append(self, message: Message) -> None:
        self.messages.append(message)
        self.log.append(message)

    def write(self, record: Record) -> None:
        self.log.write(record)

    def retract_last(self) -> None:
        """Takes the last message back, from the history and (by a record) from the session."""
        self.messages.pop()
        self.log.write(RetractRecord(messages=1))

    def rewind_to(self, index: int, prompt: int) -> int:
        """Forgets everything from messages[index] on (prompt `prompt`, numbered from 1), here and
        by a retract record in the session. Returns how many messages were dropped."""
        dropped = len(self.messages) - index
        if dropped <= 0:
            return 0
        del self.messages[index:]
        self.log.write(RetractRecord(messages=dropped, rewound_to_prompt=prompt))
        return dropped

    def replace(self, compacted: list[Message]) -> None:
        """The history after a compaction; the session keeps the new one as its start."""
        self.messages = compacted
        self.log.write(CompactionRecord(messages=compacted))

    def save_result(self, result: ev.Result) -> None:
        """The session says how every run ended."""
        self.log.write(ResultRecord.model_validate(result.model_dump(mode="json", exclude={"seq", "type"})))

    def last_prompt(self) -> str:
        for message in reversed(self.messages):
            if isinstance(message, UserMessage):
                return message.content
        return ""

    def last_assistant_text(self) -> str:
        for message in reversed(self.messages):  # as the user saw it: notes are not in the text
            if isinstance(message, AssistantMessage) and message.content.strip():
                return message.content
        return ""

    def close(self) -> None:
        self.log.close()

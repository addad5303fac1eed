"""Incremental server-sent-events decoder.

Fed raw network chunks as they arrive, it yields complete events. Chunk boundaries can fall
anywhere (inside a line, inside a UTF-8 sequence, between `\\r` and `\\n`), so everything not yet
terminated is kept until more bytes come. Follows the WHATWG event-stream rules that matter for
chat completions: `data:` lines (several per event are joined with newlines), `event:` names,
`:` comments (keep-alive pings), and any of CRLF / LF / CR as the line terminator.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

DONE_SENTINEL = "[DONE]"


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    data: str
    event: str | None = None

    @property
    def is_done(self) -> bool:
        """OpenAI-style end-of-stream marker (`data: [DONE]`)."""
        return self.data.strip() == DONE_SENTINEL


class SSEDecoder:
    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # text received but not yet terminated by a line break
        self._data_lines: list[str] = []
        self._event: str | None = None
        self._at_start = True

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode one network chunk; returns the events it completed (often none)."""
        text = self._utf8.decode(chunk)
        if self._at_start and text:
            text = text.removeprefix("\ufeff")  # a BOM may open the stream, per the spec
            self._at_start = False
        self._pending += text
        return self._drain_lines(final=False)

    def close(self) -> list[ServerSentEvent]:
        """End of stream: flush what is left.

        The spec drops an event that was never terminated by a blank line, but servers that
        close right after their last `data:` line are common, so the last event is kept.
        """
        self._pending += self._utf8.decode(b"", final=True)
        events = self._drain_lines(final=True)
        if self._pending:
            self._handle_line(self._pending, events)
            self._pending = ""
        self._dispatch(events)
        return events

    def _drain_lines(self, *, final: bool) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        text = self._pending
        start = 0
        while True:
            cr = text.find("\r", start)
            lf = text.find("\n", start)
            if cr == -1 and lf == -1:
                break
            if cr == -1 or (lf != -1 and lf < cr):
                self._handle_line(text[start:lf], events)
                start = lf + 1
                continue
            # A CR at the very end may be the first half of a CRLF split across chunks.
            if cr == len(text) - 1 and not final:
                break
            self._handle_line(text[start:cr], events)
            start = cr + 2 if text.startswith("\n", cr + 1) else cr + 1
        self._pending = text[start:]
        return events

    def _handle_line(self, line: str, events: list[ServerSentEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line.startswith(":"):
            return  # comment, e.g. ": ping" keep-alives
        field, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if field == "data":
            self._data_lines.append(value)
        elif field == "event":
            self._event = value
        # `id` and `retry` only matter for EventSource reconnection, which we do not use.

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        if self._data_lines:
            events.append(ServerSentEvent(data="\n".join(self._data_lines), event=self._event))
        self._data_lines = []
        self._event = None

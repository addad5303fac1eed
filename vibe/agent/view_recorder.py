"""Saves how each tool call was shown (title, kind, locations, outcome) to the session file.

An observer of the agent's events, so a resumed session can show its tool calls as they were
shown live, in every frontend (see vibe.session.call_views for why this is not in the messages).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from vibe.protocol import events as ev
from vibe.session.call_views import CallView, write_finished, write_started
from vibe.session.store import SessionWriter

log = logging.getLogger("vibe.agent")


class CallViewRecorder:
    def __init__(self, session: Callable[[], SessionWriter | None]) -> None:
        # The agent's current writer (None: not saved, or saving already failed).
        self._session = session

    def __call__(self, event: ev.AgentEvent) -> None:
        writer = self._session()
        if writer is None:
            return
        try:
            match event:
                case ev.ToolCallStarted(call_id=call_id):
                    view = CallView(title=event.title, kind=event.kind, locations=tuple(event.locations))
                    write_started(writer, call_id, view)
                case ev.ToolCallFinished(call_id=call_id, status=status):
                    write_finished(writer, call_id, status)
                case _:
                    pass
        except OSError as exc:
            # Not reported from here: an observer must not emit. The agent's next message write
            # meets the same disk and reports it in order; a replay without views falls back.
            log.warning("cannot save a tool call's view: %s", exc)

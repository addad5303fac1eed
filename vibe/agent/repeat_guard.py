"""Notices a model repeating a call that keeps failing the same way, and ends the loop.

A model that calls the same tool with the same arguments and gets the same error is not going
to get anything else: without a guard it can run up thousands of requests. After
`WARN_AFTER` identical failures in a row the model is told so in the result it reads; after
`STOP_AFTER` the run ends with `stop_reason` `repeated_failure`. Any other call in between (a
success, another error, other arguments) starts the count again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

WARN_AFTER = 3
STOP_AFTER = 5


class RepeatedFailureError(Exception):
    """The same call failed STOP_AFTER times in a row: the run ends."""


@dataclass(frozen=True, slots=True)
class _Failure:
    tool: str
    arguments: str
    error: str


def canonical_arguments(raw: str) -> str:
    """The arguments as canonical JSON (key order and spacing do not make a call different);
    the raw text when it is not JSON."""
    try:
        return json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"))
    except (ValueError, RecursionError):
        return raw


class RepeatGuard:
    def __init__(self) -> None:
        self._last: _Failure | None = None
        self._count = 0
        self.stopped: str | None = None  # why the run must end, once it must

    def succeeded(self) -> None:
        self._last, self._count = None, 0

    def failed(self, tool: str, raw_arguments: str, error: str) -> str:
        """Count one failure; returns the note to add to what the model reads ("" for none)."""
        failure = _Failure(tool, canonical_arguments(raw_arguments), error)
        self._count = self._count + 1 if failure == self._last else 1
        self._last = failure
        if self._count >= STOP_AFTER:
            self.stopped = (
                f"the model called {tool} with the same arguments {self._count} times in a row and "
                "got the same error each time; the run was stopped"
            )
            return ""
        if self._count >= WARN_AFTER:
            return (
                f"\n\n[vibe] This exact call has now failed {self._count} times in a row with the "
                "same error. Repeating it will not help: change the arguments or take another "
                f"approach. After {STOP_AFTER} identical failures the run is stopped."
            )
        return ""

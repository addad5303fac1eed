"""Calling the user back: the terminal rings when a turn ends or an approval is needed while the
terminal is not in focus (another window, another tab), so a long task can run unwatched.

Focus comes from the terminal's focus reports, which textual turns on; a terminal that sends
none is taken as always in focus, so it never rings for nothing. `[tui] notify = false` turns
the ring off.
"""

from __future__ import annotations

from collections.abc import Callable


class Attention:
    def __init__(self, ring: Callable[[], None]) -> None:
        self._ring = ring
        self.enabled = True
        self.away = False

    def blurred(self) -> None:
        self.away = True

    def focused(self) -> None:
        self.away = False

    def needed(self) -> None:
        """The user is needed (a turn ended, a question is open): ring if they look elsewhere."""
        if self.enabled and self.away:
            self._ring()

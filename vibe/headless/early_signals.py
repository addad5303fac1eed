"""SIGINT, SIGTERM and SIGHUP outside the agent's run: never a traceback, never a silent kill.

While the agent runs, `run.py` routes both signals to `Agent.cancel` through the event loop.
Outside that the defaults would print a KeyboardInterrupt traceback or end the process with no
result at all. So `vibe -p` handles them from the moment it knows it is headless:
- while the prompt is read (possibly waiting on stdin), a signal stops at once: nothing has
  started, there is nothing to save, and the CLI exits 130 with one line;
- while the engine loads and after the run, a signal is recorded: a CI job cancelled during
  start-up still gets a result and exit code 130, like one cancelled later.
"""

from __future__ import annotations

import signal
from types import FrameType

# SIGHUP: the terminal or the CI runner went away; the run ends as for SIGTERM, with a result.
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_received: list[int] = []
_recording = False
_installed = False


def interrupt() -> None:
    """From now on SIGINT/SIGTERM raise KeyboardInterrupt (main thread only)."""
    _install(recording=False)


def record() -> None:
    """From now on SIGINT/SIGTERM are only recorded, for the run to act on (main thread only)."""
    _install(recording=True)


def resume_recording() -> None:
    """After the run: record again, if the CLI set handling up (a test calling the run may not)."""
    if _installed:
        record()


def received() -> bool:
    """Whether a signal arrived while only being recorded."""
    return bool(_received)


def _install(*, recording: bool) -> None:
    global _recording, _installed
    try:
        for sig in SIGNALS:
            signal.signal(sig, _on_signal)
    except ValueError:  # not the main thread: signals are not ours to handle
        return
    _recording, _installed = recording, True


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    if not _recording:
        raise KeyboardInterrupt
    _received.append(signum)

"""A child process that the kernel ends when vibe ends, even when vibe is killed (`kill -9`).

Used for the helper processes vibe starts for itself: a search asks, between fork and exec, for
SIGKILL when its parent exits (PR_SET_PDEATHSIG, Linux only); the MCP client process, a Python
program of vibe's, asks for itself first thing (`die_with_parent`), which lets vibe start it
without a pre-exec step (a pre-exec step makes Python fork vibe's whole memory map instead of
vfork). The request follows the *thread* that started the process, so these processes are
started from the event loop's thread, never from a worker thread that may end first.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

__all__ = ["die_with_parent", "dies_with_vibe"]

_PR_SET_PDEATHSIG = 1


def dies_with_vibe(inner: Callable[[], None] | None = None) -> Callable[[], None] | None:
    """A pre-exec step asking the kernel to SIGKILL the child when vibe exits, then `inner`."""
    if not sys.platform.startswith("linux"):
        return inner
    libc = ctypes.CDLL(None, use_errno=True)  # loaded here, not in the child after fork
    parent = os.getpid()

    def setup() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # vibe died before the request took effect
            os._exit(1)
        if inner is not None:
            inner()

    return setup


def die_with_parent(parent: int) -> None:
    """Asks the kernel to SIGKILL this process when `parent` (the process that started it)
    exits; exits at once if it already has."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before the request took effect
        os._exit(1)

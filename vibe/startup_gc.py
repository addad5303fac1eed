"""The cyclic garbage collector, paused while vibe starts.

Start-up creates tens of thousands of long-lived objects (modules, classes, the SDK's and our
pydantic models) and next to no garbage, yet the collector would walk them all several times
over: about a tenth of editor mode's handshake. `vibe.cli` pauses it first thing; each frontend
resumes it once its engine is loaded (whether or not that succeeded), after which it runs as
usual and collects whatever start-up left behind. At the end, `before_exit` spares the exit
a last walk over everything.
"""

from __future__ import annotations

import gc


def pause() -> None:
    gc.disable()


def resume() -> None:
    gc.enable()


def before_exit() -> None:
    """Called once a run is over and the process only has to exit: every object alive is moved
    out of the collector's reach, so the interpreter's last collection does not walk them.
    With the MCP SDK loaded (hundreds of thousands of pydantic objects) that walk took about
    half a second of a headless run; frozen, it takes a few milliseconds."""
    gc.freeze()

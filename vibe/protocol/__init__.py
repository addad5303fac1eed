"""What frontends and the engine say to each other: events out (`events`), operations in
(`operations`), and the slash commands and permission modes every frontend offers (`commands`).
Plain data only, so the agent and every frontend can share it; it imports
nothing above `vibe.tools` (the todo and tool-kind types that events carry).

The submodules load when first named: a headless run needs the events, never the operations.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from vibe.protocol import commands, events, operations

__all__ = ["commands", "events", "operations"]


def __getattr__(name: str) -> object:
    if name in __all__:
        return importlib.import_module(f"vibe.protocol.{name}")
    raise AttributeError(f"module 'vibe.protocol' has no attribute {name!r}")

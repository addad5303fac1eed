"""What frontends and the engine say to each other: events out (`events`), operations in
(`operations`). Plain data only, so the agent and every frontend can share it; it imports
nothing above `vibe.tools` (the todo and tool-kind types that events carry)."""

from vibe.protocol import events, operations

__all__ = ["events", "operations"]

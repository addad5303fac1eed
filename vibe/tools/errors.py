"""The one exception a tool raises for a bad call.

Every refusal a tool may raise on the call's behalf (a path outside the workspace, a binary
file, invalid arguments) is a `ToolError`, so the dispatcher needs to know this type only and a
tool that arrives at run time (an MCP bridge) reports its failures the same way. Its own
exceptions live with the tool and subclass this one.
"""

from __future__ import annotations

__all__ = ["ToolArgumentsError", "ToolError"]


class ToolError(Exception):
    """A bad call, reported to the model as a readable error result."""


class ToolArgumentsError(ToolError):
    """The arguments do not fit the tool's schema; the message says what to fix."""

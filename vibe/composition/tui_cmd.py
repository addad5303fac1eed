"""`vibe` on a terminal: opens the interactive TUI and gives it a way to build the engine.

Launch time is the point here. This module and the app import only what the first frame needs
(textual and the TUI's own widgets); the engine is imported and built by the app's start-up
worker once the prompt is on screen (`vibe.composition.tui_backend`). Bad settings still end
the way they always did: one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from vibe import startup_gc
from vibe.unicode_text import for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def main(args: argparse.Namespace, env: dict[str, str], cwd: Path, initial_prompt: str | None) -> int:
    from vibe.tui.app import VibeApp
    from vibe.tui.backend import Backend

    def build() -> Backend:
        from vibe.composition.tui_backend import build_backend

        try:
            return build_backend(args, env, cwd)
        finally:
            startup_gc.resume()

    app = VibeApp(build, cwd.resolve(), initial_prompt)
    code = app.run()
    if app.startup_error is not None:
        print(for_terminal(f"vibe: {app.startup_error}"), file=sys.stderr)
        return USAGE_ERROR
    conversation = app.conversation
    if conversation is not None and conversation.has_history:
        # The screen is gone with the app: say how to get the conversation back.
        print(f"To continue this conversation: vibe -c  (or: vibe --resume {conversation.session_id})")
    return code or 0

"""Ctrl+G / `/edit`: the prompt in the user's own editor ($VISUAL, else $EDITOR), for the long
prompts a one-box input is poor at. The TUI steps aside while the editor runs (textual's
suspend), and what the editor saved becomes the prompt; an empty file leaves it as it was.

The editor is the user's own program from their environment, not something a repository names,
and it edits a private temporary file; it runs outside the sandbox like the user's shell.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

if TYPE_CHECKING:
    from vibe.tui.prompt_input import PromptInput
    from vibe.tui.transcript import Transcript


class EditorUnavailableError(Exception):
    pass


def editor_command(env: Mapping[str, str]) -> list[str]:
    chosen = env.get("VISUAL") or env.get("EDITOR")
    if not chosen or not chosen.strip():
        raise EditorUnavailableError("set $VISUAL or $EDITOR to edit the prompt in your editor")
    return shlex.split(chosen)


def edit_text(
    text: str, suspended: Callable[[], AbstractContextManager[None]], env: Mapping[str, str] = os.environ
) -> str:
    """`text` as the user left it in their editor. Raises EditorUnavailableError."""
    command = editor_command(env)
    with tempfile.TemporaryDirectory(prefix="vibe-prompt-") as folder:
        path = Path(folder) / "prompt.md"
        # Ended by a newline, as editors write text files; read back without it.
        path.write_text(f"{text}\n" if text else "", encoding="utf-8")
        try:
            with suspended():
                finished = subprocess.run([*command, str(path)], check=False)
        except FileNotFoundError as exc:
            raise EditorUnavailableError(f"cannot start your editor {command[0]!r}: {exc.strerror}") from exc
        if finished.returncode != 0:
            raise EditorUnavailableError(f"your editor exited with status {finished.returncode}; prompt kept")
        edited = path.read_text(encoding="utf-8", errors="replace").rstrip("\n")
    return edited or text


async def edit_prompt(
    prompt: PromptInput, transcript: Transcript, suspended: Callable[[], AbstractContextManager[None]]
) -> None:
    """The prompt in the user's editor; what they save becomes the prompt. Why it cannot be
    done (no editor set, a terminal that cannot hand over) is a warning in the transcript."""
    try:
        prompt.text = edit_text(prompt.text, suspended)
    except (EditorUnavailableError, SuspendNotSupported) as exc:
        await transcript.notice(str(exc) or "this terminal cannot hand over to an editor", "warn")
        return
    prompt.move_cursor(prompt.document.end)
    prompt.focus()

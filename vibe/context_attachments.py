"""`@path` naming a file or a folder in the workspace: its text, or the folder's outline, given
to the model with the prompt as a `<context>` block marked with its path (the form an editor's
embedded files take too), so the model need not spend a turn reading it.

Only a mention naming an existing file or folder inside the workspace roots is attached (after
symlinks: a link out of the workspace is not followed); `@someone`, a missing path or one
outside stays text as typed. Only regular files are opened, binary ones are left out, and
every block is capped, the whole prompt's attachments too: they are sent with every request of
the conversation and saved in the session.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from vibe.tools.fs import open_regular_file
from vibe.tools.text_encoding import decode_text
from vibe.tools.workspace import OutsideWorkspaceError, Workspace

__all__ = ["MAX_FILE_CHARS", "MAX_TOTAL_CHARS", "attached_context"]

MAX_FILE_CHARS = 20_000
MAX_TOTAL_CHARS = 60_000
MAX_ATTACHED = 16


def attached_context(mentions: list[str], workspace: Workspace) -> tuple[str, tuple[str, ...]]:
    """The `<context>` blocks for the mentions that name a file or folder in the workspace,
    and a few words on each for the user ("@src/app.py (120 lines)")."""
    blocks: list[str] = []
    attached: list[str] = []
    left = MAX_TOTAL_CHARS
    for mention in mentions:
        if len(attached) >= MAX_ATTACHED or left <= 0:
            break
        try:
            path = workspace.resolve(mention)
            mode = path.stat().st_mode
        except (OutsideWorkspaceError, OSError, ValueError):
            continue  # not a path in the workspace: the mention stays text
        shown = workspace.display(path).replace('"', "'")
        if stat.S_ISDIR(mode):
            body, words = _folder(path, shown, workspace), "outline"
            source = f'<context source="{shown.rstrip("/")}/" kind="outline">'
        elif stat.S_ISREG(mode):
            found = _file_text(path)
            if found is None:
                continue  # binary or unreadable: nothing the model could read
            body, words = found
            source = f'<context source="{shown}">'
        else:
            continue  # a pipe or a device is never opened
        body = _capped(body, min(MAX_FILE_CHARS, left))
        left -= len(body)
        blocks.append(f"\n\n{source}\n{body}\n</context>")
        attached.append(f"@{mention} ({words})")
    return "".join(blocks), tuple(attached)


def _file_text(path: Path) -> tuple[str, str] | None:
    """The start of the file's text (enough to fill a block) and its size in words."""
    try:
        fd = open_regular_file(path)
        with os.fdopen(fd, "rb") as handle:
            size = os.fstat(fd).st_size
            data = handle.read(MAX_FILE_CHARS * 4 + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE_CHARS * 4:
        data = data[: data.rfind(b"\n") + 1] or data[: MAX_FILE_CHARS * 4]  # whole lines, whole characters
    decoded = decode_text(data)
    if decoded is None:
        return None
    lines = decoded.text.count("\n") + (not decoded.text.endswith("\n"))
    words = f"{lines} lines" if len(data) == size else f"the first {lines} lines of {size:,} bytes"
    return decoded.text, words


def _folder(path: Path, shown: str, workspace: Workspace) -> str:
    from vibe.tools.code.facts_cache import default_database
    from vibe.tools.code.outline_text import folder_outline
    from vibe.tools.stoppable import StopFlag

    return folder_outline(path, shown, workspace, StopFlag(), default_database())


def _capped(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text.rstrip("\n")
    cut = text.rfind("\n", 0, limit)
    kept = text[: cut if cut > 0 else limit]
    rest = text[len(kept) :].count("\n")
    return f"{kept}\n… ({rest} more lines not attached; read them with read_file)"

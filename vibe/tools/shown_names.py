"""File names as the search tools print them: one name, on one line, exactly as it is.

A file name may hold any character but `/` and NUL. One with a newline would start what looks
like another result line (`evil\nsecret.py:1: ...`); control characters and invisible format
characters (bidirectional overrides) would make the name read as something else. Such names are
printed between double quotes with those characters escaped; every other name is left alone,
so ordinary output stays exactly what the model is used to.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from vibe.tools.workspace import Workspace

# Control, line separator, paragraph separator, format (bidi overrides, zero-width joiners).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cf"})
_UNREADABLE_NAMED = 5


def path_order(path: str) -> str:
    """Sort key giving a folder's files before the next folder of a longer name (`a/z` before
    `a-b/c`), as a sorted walk of the tree lists them: `/` sorts below every other character."""
    return path.replace("/", "\0")


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def _unsafe(char: str) -> bool:
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def quote_name(name: str) -> str:
    """`name` unchanged, or quoted and escaped when it holds a character that could mislead."""
    if not any(_unsafe(char) for char in name) and not name.startswith('"'):
        return name
    out: list[str] = []
    for char in name:
        if char in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[char])
        elif _unsafe(char):
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def unreadable_note(paths: list[str], workspace: Workspace) -> str:
    """A last line naming the paths a search skipped because it may not read them ("" if none)."""
    if not paths:
        return ""
    names = [quote_name(workspace.display(Path(path))) for path in sorted(set(paths), key=path_order)]
    shown = ", ".join(names[:_UNREADABLE_NAMED])
    if len(names) > _UNREADABLE_NAMED:
        shown += f" and {len(names) - _UNREADABLE_NAMED} more"
    return f"\n(not searched, permission denied: {shown})"

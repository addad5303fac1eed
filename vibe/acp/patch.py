"""Applies one file's unified diff (as `vibe.tools.diffs` writes it) to the text it was made from.

An approval request carries only the diff, while ACP shows an edit as the file's old and new
text. The old text is what the tool read; the new text is the diff applied to it. Every context
and removed line is checked, so a diff that does not fit gives None instead of a wrong file.
"""

from __future__ import annotations

import re

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_NO_NEWLINE_MARK = "\\"

# (content, ends with a newline)
Line = tuple[str, bool]


def _split(text: str) -> list[Line]:
    parts = text.split("\n")
    last = parts.pop()
    lines = [(part, True) for part in parts]
    if last:
        lines.append((last, False))
    return lines


def _join(lines: list[Line]) -> str:
    return "".join(content + ("\n" if newline else "") for content, newline in lines)


def apply_unified_diff(old: str | None, diff: str) -> str | None:
    """The new text, or None when `diff` does not apply to `old` (None: the file is new)."""
    old_lines = _split(old or "")
    rows = diff.split("\n")
    at = 0
    while at < len(rows) and not rows[at].startswith("@@"):
        at += 1  # file headers
    result: list[Line] = []
    position = 0
    while at < len(rows):
        header = _HUNK.match(rows[at])
        if header is None:
            if rows[at] == "" and at == len(rows) - 1:
                break  # the diff's final newline
            return None
        old_start, old_count = int(header.group(1)), int(header.group(2) or "1")
        new_count = int(header.group(4) or "1")
        start = old_start if old_count == 0 else old_start - 1
        if start < position or start > len(old_lines):
            return None
        result.extend(old_lines[position:start])
        position = start
        at += 1
        old_left, new_left = old_count, new_count
        while old_left > 0 or new_left > 0:
            if at >= len(rows) or not rows[at] or rows[at][0] not in " -+":
                return None
            sign, content = rows[at][0], rows[at][1:]
            newline = not (at + 1 < len(rows) and rows[at + 1].startswith(_NO_NEWLINE_MARK))
            at += 2 if not newline else 1
            if sign in " -":
                if position >= len(old_lines) or old_lines[position] != (content, newline):
                    return None
                position += 1
                old_left -= 1
            if sign in " +":
                result.append((content, newline))
                new_left -= 1
    result.extend(old_lines[position:])
    return _join(result)

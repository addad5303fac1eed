"""Unified diffs for file writes: what approvals show, what results report, what frontends render.

The format is git's (`--- a/path`, `+++ b/path`, three lines of context, `--- /dev/null` for a
new file) so that humans, models and `git apply` all read it the same way.
"""

from __future__ import annotations

import difflib
import re

_NO_NEWLINE = "\\ No newline at end of file\n"
_HUNK_HEADER = re.compile(r"^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@")


def unified_diff(old: str | None, new: str, display_path: str) -> str:
    """Diff from `old` to `new`; `old=None` means the file does not exist yet.

    Empty when nothing changed, except for a new empty file, which still gets its headers so
    that creating it is visible.
    """
    from_file = "/dev/null" if old is None else f"a/{display_path}"
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=from_file,
        tofile=f"b/{display_path}",
        n=3,
        lineterm="\n",
    )
    out: list[str] = []
    for line in lines:
        out.append(line)
        # Headers end with `lineterm`; a body line lacks a newline only when it was the last
        # line of a file without one, which the format marks on the following line.
        if not line.endswith("\n"):
            out.append("\n" + _NO_NEWLINE)
    if not out and old is None:
        return f"--- /dev/null\n+++ b/{display_path}\n"
    return "".join(out)


def diff_stats(diff: str) -> tuple[int, int]:
    """(lines added, lines removed) in a unified diff.

    Walks hunk by hunk using the line counts in each `@@` header, so a removed line that
    itself starts with `--` is never mistaken for a file header.
    """
    added = removed = 0
    old_left = new_left = 0
    for line in diff.splitlines():
        if old_left > 0 or new_left > 0:
            if line.startswith("+"):
                added += 1
                new_left -= 1
            elif line.startswith("-"):
                removed += 1
                old_left -= 1
            elif line.startswith(" ") or line == "":
                old_left -= 1
                new_left -= 1
            # "\ No newline at end of file" belongs to the line before it: counts nothing.
            continue
        header = _HUNK_HEADER.match(line)
        if header is not None:
            old_left = int(header.group(1) or "1")
            new_left = int(header.group(2) or "1")
    return added, removed

"""Moving a block of text between indentations, for the edit tool's indentation rung.

The model wrote `old_string` (and so `new_string`) at some indentation; the file has the block at
another. The replacement is shifted by the difference, and converted when one side indents with
tabs and the other with spaces.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import Literal


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def reindent_block(new: str, old_lines: list[str], file_lines: list[str]) -> str:
    """`new` moved from the indentation the model wrote `old_lines` at to that of `file_lines`,
    the file lines `old_lines` matched (line for line, ignoring indentation).

    When one side indents with tabs and the other with spaces, every line of `new` is converted
    to the file's style: shifting by a prefix would leave "\t    " on nested lines, which
    Python, Makefiles and linters reject.
    """
    pairs = [(_indent_of(o), _indent_of(f)) for o, f in zip(old_lines, file_lines, strict=False) if o.strip()]
    old_indent, file_indent = pairs[0]
    new_indents = [_indent_of(line) for line in new.split("\n") if line.strip()]
    model_style = _indent_style([o for o, _ in pairs] + new_indents)
    file_style = _indent_style([f for _, f in pairs])
    if {model_style, file_style} != {"tabs", "spaces"}:
        return reindent(new, old_indent, file_indent)
    spaces_side = [f for _, f in pairs] if file_style == "spaces" else [o for o, _ in pairs] + new_indents
    width = _tab_width(pairs, tabs_on_file_side=file_style == "tabs", spaces_indents=spaces_side)
    shift = _columns(file_indent, width) - _columns(old_indent, width)
    # An indentation the model used in old_string is written as the file has it there (alignment
    # spaces after tabs included); only new depths are computed.
    seen: dict[str, str | None] = {}
    for model_indent, matched_indent in pairs:
        known = seen.setdefault(model_indent, matched_indent)
        if known != matched_indent:
            seen[model_indent] = None  # the model flattened two depths into one: compute it
    out: list[str] = []
    for line in new.split("\n"):
        if not line.strip():
            out.append(line)
            continue
        indent = _indent_of(line)
        if (same := seen.get(indent)) is not None:
            out.append(same + line[len(indent) :])
            continue
        columns = max(0, _columns(indent, width) + shift)
        if file_style == "tabs":
            out.append("\t" * (columns // width) + " " * (columns % width) + line[len(indent) :])
        else:
            out.append(" " * columns + line[len(indent) :])
    return "\n".join(out)


def _indent_style(indents: list[str]) -> Literal["tabs", "spaces", "none", "mixed"]:
    """ "tabs" when every indent starts with a tab (alignment spaces may follow), "spaces" when
    none has a tab, "none" when no line is indented."""
    used = [indent for indent in indents if indent]
    if not used:
        return "none"
    if all(indent.startswith("\t") and " \t" not in indent for indent in used):
        return "tabs"
    if all("\t" not in indent for indent in used):
        return "spaces"
    return "mixed"


def _columns(indent: str, width: int) -> int:
    return sum(width if char == "\t" else 1 for char in indent)


def _tab_width(pairs: list[tuple[str, str]], *, tabs_on_file_side: bool, spaces_indents: list[str]) -> int:
    """How many spaces one tab stands for, read from how the model's lines lined up with the
    file's: the change in spaces over the change in tabs between two lines, else the ratio on
    one line, else the spaces side's own indentation step; 4 when nothing tells."""
    levels: list[tuple[int, int]] = []  # (tabs, spaces) per matched line
    for model_indent, file_indent in pairs:
        tab_indent, space_indent = (
            (file_indent, model_indent) if tabs_on_file_side else (model_indent, file_indent)
        )
        tabs = len(tab_indent) - len(tab_indent.lstrip("\t"))
        levels.append((tabs, len(space_indent) - (len(tab_indent) - tabs)))
    candidates: Counter[int] = Counter()
    for (tabs_a, spaces_a), (tabs_b, spaces_b) in itertools.combinations(levels, 2):
        if tabs_a != tabs_b and (spaces_a - spaces_b) % (tabs_a - tabs_b) == 0:
            candidates[(spaces_a - spaces_b) // (tabs_a - tabs_b)] += 1
    if not candidates:
        for tabs, spaces in levels:
            if tabs and spaces % tabs == 0:
                candidates[spaces // tabs] += 1
    usable = [(count, width) for width, count in candidates.items() if 1 <= width <= 16]
    if usable:
        return max(usable)[1]
    steps = [len(indent) for indent in spaces_indents if indent]
    step = math.gcd(*steps) if steps else 0
    return step if 2 <= step <= 8 else 4


def reindent(text: str, old_indent: str, file_indent: str) -> str:
    """Shift every line of `text` by the change from `old_indent` to `file_indent`.

    The model wrote `old_string` (and so `new_string`) at `old_indent`; the file has the block at
    `file_indent`. Lines nested deeper keep their extra indentation, lines shallower than
    `old_indent` gain or lose the same amount, and blank lines are left alone.
    """
    if old_indent == file_indent:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        if not line.strip():
            out.append(line)
        elif line.startswith(old_indent):
            out.append(file_indent + line[len(old_indent) :])
        elif file_indent.startswith(old_indent):
            out.append(file_indent[len(old_indent) :] + line)
        elif old_indent.startswith(file_indent):
            surplus = len(old_indent) - len(file_indent)
            out.append(line[min(surplus, len(_indent_of(line))) :])
        else:
            out.append(line)  # tabs against spaces with no common prefix: leave it as written
    return "\n".join(out)

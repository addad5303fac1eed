"""Glob pattern semantics shared by the `glob` tool and `grep`'s `glob` filter.

The shell's rules plus `**`: `*` and `?` stay within one path segment, `**` spans any number of
segments, `{a,b}` alternates, and (for `glob`) wildcards do not match a leading dot, so
`**/*.py` stays out of `.venv` while `.github/**/*.yml` still works.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

_WILDCARDS = frozenset("*?[{")


def expand_braces(pattern: str) -> list[str]:
    """`a{b,c}d` → [`abd`, `acd`], recursively; unbalanced braces are taken literally."""
    depth = 0
    open_at = -1
    commas: list[int] = []
    for index, char in enumerate(pattern):
        if char == "{":
            if depth == 0:
                open_at, commas = index, []
            depth += 1
        elif char == "," and depth == 1:
            commas.append(index)
        elif char == "}" and depth > 0:
            depth -= 1
            if depth == 0 and commas:
                bounds = [open_at, *commas, index]
                head, tail = pattern[:open_at], pattern[index + 1 :]
                alternatives = [pattern[a + 1 : b] for a, b in itertools.pairwise(bounds)]
                return [
                    expanded
                    for alternative in alternatives
                    for expanded in expand_braces(head + alternative + tail)
                ]
    return [pattern]


def glob_to_regex(pattern: str, *, match_hidden: bool) -> str:
    """Regex source matching whole relative POSIX paths (no braces; expand them first)."""
    segment_any = "[^/]+" if match_hidden else r"(?!\.)[^/]+"
    segments = [s for s in pattern.split("/") if s not in ("", ".")]
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(f"(?:{segment_any}/)*{segment_any}" if last else f"(?:{segment_any}/)*")
            continue
        guard = "" if match_hidden or segment[0] not in "*?[" else r"(?!\.)"
        parts.append(guard + _translate_segment(segment) + ("" if last else "/"))
    return "".join(parts)


def _translate_segment(segment: str) -> str:
    out: list[str] = []
    index = 0
    while index < len(segment):
        char = segment[index]
        if char == "*":
            out.append("[^/]*")
            while index + 1 < len(segment) and segment[index + 1] == "*":
                index += 1
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (close := segment.find("]", index + 2)) != -1:
            body = segment[index + 1 : close]
            negated = body.startswith(("!", "^"))
            body = body[1:] if negated else body
            out.append(f"[{'^' if negated else ''}{body.replace(chr(92), chr(92) * 2)}]")
            index = close
        else:
            out.append(re.escape(char))
        index += 1
    return "".join(out)


def compile_glob(pattern: str, *, match_hidden: bool) -> re.Pattern[str]:
    alternatives = (glob_to_regex(p, match_hidden=match_hidden) for p in expand_braces(pattern))
    return re.compile("|".join(f"(?:{a})" for a in alternatives) + r"\Z")


def path_filter(glob: str) -> Callable[[str], bool]:
    """ripgrep's `--glob` rule: without a slash, match the file name at any depth; with one,
    match the path relative to the search root."""
    cleaned = glob.removeprefix("./").lstrip("/")
    regex = compile_glob(cleaned, match_hidden=True)
    if "/" not in cleaned:
        return lambda rel: regex.match(rel.rsplit("/", 1)[-1]) is not None
    return lambda rel: regex.match(rel) is not None


def split_literal_prefix(pattern: str) -> tuple[str, str]:
    """(`src/app`, `**/*.py`) for `src/app/**/*.py`: walk from the literal part only."""
    segments = pattern.split("/")
    literal: list[str] = []
    for segment in segments[:-1]:
        if _WILDCARDS.intersection(segment):
            break
        literal.append(segment)
    rest = "/".join(segments[len(literal) :])
    return "/".join(literal) or ("/" if pattern.startswith("/") else ""), rest


def name_prefilter(pattern: str) -> list[str] | None:
    """File-name globs that every path matching `pattern` matches (its last segments), for a
    lister to drop most other files early; None when no such cheap filter is certain.

    Only plain segments qualify (`*`, `?` and literal characters), whose meaning is the same in
    ripgrep's globs as here; any other syntax, or a last segment of `**`, gives None.
    """
    names: list[str] = []
    for alternative in expand_braces(pattern):
        last = alternative.rsplit("/", 1)[-1]
        if not last or last == "**" or last.startswith("!") or set(last) & set("[]{}\\"):
            return None
        names.append(last)
    return list(dict.fromkeys(names))

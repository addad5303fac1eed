"""The `glob` tool: find files by name pattern, newest first, gitignore-aware.

Pattern semantics are the shell's plus `**`: `*` and `?` stay within one path segment, `**`
spans any number of segments, `{a,b}` alternates, and wildcards do not match a leading dot
(so `**/*.py` stays out of `.venv`, while `.github/**/*.yml` still works). Named after the
stdlib module it would otherwise shadow; the tool itself is called "glob".
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolKind, ToolResult
from vibe.tools.ignore import walk_files
from vibe.tools.workspace import OutsideWorkspaceError, Workspace

MAX_LISTED = 200
_WILDCARDS = frozenset("*?[{")


class GlobArgs(BaseModel):
    pattern: str = Field(description="Glob such as **/*.py or src/**/test_*.{ts,tsx}.")
    path: str = Field(default=".", description="Folder to search from.")


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


def find_matching(base: Path, pattern: str) -> list[tuple[float, Path]]:
    """(mtime, path) of files under `base` matching `pattern`, newest first."""
    regex = compile_glob(pattern, match_hidden=False)
    mentions_hidden = any(s.startswith(".") and s not in (".", "..") for s in pattern.split("/"))
    found: list[tuple[float, Path]] = []
    for path in walk_files(base, skip_hidden=not mentions_hidden):
        rel = path.relative_to(base).as_posix()
        if regex.match(rel) is None:
            continue
        try:
            found.append((path.stat().st_mtime, path))
        except OSError:
            continue
    found.sort(key=lambda item: (-item[0], str(item[1])))
    return found


class GlobTool(Tool[GlobArgs]):
    name: ClassVar[str] = "glob"
    args_model: ClassVar[type[BaseModel]] = GlobArgs
    kind: ClassVar[ToolKind] = "search"
    read_only: ClassVar[bool] = True

    async def prepare(self, args: GlobArgs, ctx: ToolContext) -> Invocation | ToolResult:
        pattern = args.pattern.strip().removeprefix("./")
        if not pattern:
            return ToolResult.error("pattern is empty; pass a glob such as **/*.py.")
        literal, rest = split_literal_prefix(pattern)
        try:
            root = ctx.workspace.resolve(args.path)
            base = ctx.workspace.resolve(str(root / literal)) if literal else root
        except OutsideWorkspaceError as exc:
            return ToolResult.error(str(exc))
        shown_root = ctx.workspace.display(root)

        async def execute() -> ToolResult:
            if not base.is_dir():
                return ToolResult(output=_no_match(pattern, shown_root))
            found = await asyncio.to_thread(find_matching, base, rest)
            return ToolResult(output=_render(found, pattern, shown_root, ctx.workspace))

        return Invocation(title=f"glob {pattern} in {shown_root}", execute=execute, locations=(str(root),))


def _render(found: list[tuple[float, Path]], pattern: str, shown_root: str, workspace: Workspace) -> str:
    if not found:
        return _no_match(pattern, shown_root)
    lines = [workspace.display(path) for _, path in found[:MAX_LISTED]]
    if len(found) > MAX_LISTED:
        lines.append(f"… {len(found) - MAX_LISTED} more files not shown; narrow the pattern or path")
    return "\n".join(lines)


def _no_match(pattern: str, shown_root: str) -> str:
    message = f"No files match {pattern} in {shown_root}"
    if "/" not in pattern:
        message += f" (only the top folder is searched; use **/{pattern} to include subfolders)"
    return message

"""The `read_file` tool: a window of a text file with line numbers, capped so one read stays cheap.

Line numbers let the model cite and page through a file; they are separated by a tab so that the
text after it is exactly the file's line, ready to be copied into an edit. A file that is not plain
UTF-8 gets a first, unnumbered line naming its encoding: edits keep that encoding, and the model
should know that characters outside it (a "€" in a Latin-1 file) will be refused.
"""

from __future__ import annotations

import asyncio
import difflib
import itertools
from pathlib import Path

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.fs import BinaryFileError, FileTooLargeError
from vibe.tools.ignore import walk_files
from vibe.tools.large_file import MixedEncodingError, WindowLine, read_window
from vibe.tools.text_encoding import UTF8, TextEncoding
from vibe.tools.workspace import OutsideWorkspaceError, Workspace

MAX_LINES = 2000
MAX_LINE_CHARS = 2000
MAX_OUTPUT_CHARS = 50_000
# Looking for a misplaced file by name must stay quick even in a huge tree.
MAX_FILES_SCANNED = 20_000
MAX_SUGGESTIONS = 5


class ReadFileArgs(BaseModel):
    path: str = Field(description="File to read, relative to the working directory.")
    offset: int = Field(default=1, description="1-based number of the first line to show.")
    limit: int = Field(default=MAX_LINES, description=f"Number of lines to show (at most {MAX_LINES}).")


def split_lines(text: str) -> list[str]:
    """The file's lines without their endings; only "\\n" (and "\\r\\n") end a line, as in editors."""
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def number_line(number: int, line: str, bytes_left_out: int = 0) -> str:
    if bytes_left_out:
        line = f"{line[:MAX_LINE_CHARS]}… [line cut: over {bytes_left_out:,} more bytes]"
    elif len(line) > MAX_LINE_CHARS:
        line = f"{line[:MAX_LINE_CHARS]}… [line cut: {len(line) - MAX_LINE_CHARS:,} more chars]"
    return f"{number:>6}\t{line}"


def render_window(lines: list[str], offset: int, limit: int) -> str:
    """Lines `offset`.. (1-based) numbered, within the line and size caps, with a hint to go on."""
    window = [WindowLine(line) for line in lines[offset - 1 : offset - 1 + limit]]
    return render_lines(window, offset, len(lines))


def render_lines(window: list[WindowLine], offset: int, total: int) -> str:
    """`window` (lines from number `offset` on, of `total`) numbered, within the size cap."""
    shown: list[str] = []
    size = 0
    last = offset - 1
    for number, line in enumerate(window, start=offset):
        numbered = number_line(number, line.text, line.bytes_left_out)
        if shown and size + len(numbered) + 1 > MAX_OUTPUT_CHARS:
            break
        shown.append(numbered)
        size += len(numbered) + 1
        last = number
    if last < total:
        shown.append(
            f"(showing lines {offset}-{last} of {total}; call read_file with offset={last + 1} to continue)"
        )
    return "\n".join(shown)


def encoding_note(encoding: TextEncoding) -> str:
    """The line that tells the model a file's encoding; empty for plain UTF-8, the usual case."""
    if encoding == UTF8:
        return ""
    return f"(file encoding: {encoding.label}; edit and write_file keep it)\n"


def similar_paths(path: Path, workspace: Workspace) -> list[Path]:
    """Files the model may have meant by a missing `path`, nearest first.

    First the same folder: a name differing only in case, another extension of the same stem, or
    a near-miss spelling. Then the same file name elsewhere under the nearest existing folder,
    which catches a path that dropped or added a folder (`app.py` for `src/app.py`).
    """
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    if not any(folder == root or folder.is_relative_to(root) for root in workspace.roots):
        return []
    found: list[Path] = []
    if folder == path.parent:
        found.extend(_similar_in_folder(path))
    wanted = path.name.lower()
    for candidate in itertools.islice(walk_files(folder, skip_hidden=True), MAX_FILES_SCANNED):
        if candidate.name.lower() == wanted and candidate not in found:
            found.append(candidate)
        if len(found) >= MAX_SUGGESTIONS:
            break
    return found[:MAX_SUGGESTIONS]


def _similar_in_folder(path: Path) -> list[Path]:
    try:
        names = sorted(entry.name for entry in path.parent.iterdir() if entry.is_file())
    except OSError:
        return []
    name, stem = path.name.lower(), path.stem.lower()
    same = [n for n in names if n.lower() == name or Path(n).stem.lower() == stem]
    close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.8)
    return [path.parent / n for n in dict.fromkeys([*same, *close])]


def not_found_message(path: Path, workspace: Workspace) -> str:
    message = f"{workspace.display(path)} does not exist."
    suggestions = similar_paths(path, workspace)
    if suggestions:
        message += " Did you mean: " + ", ".join(workspace.display(p) for p in suggestions) + "?"
    return message


class ReadFileTool(Tool[ReadFileArgs]):
    name = "read_file"
    args_model = ReadFileArgs
    kind = "read"
    read_only = True

    async def prepare(self, args: ReadFileArgs, ctx: ToolContext) -> Invocation | ToolResult:
        try:
            path = ctx.workspace.resolve_for_reading(args.path)
        except OutsideWorkspaceError as exc:
            return ToolResult.error(str(exc))
        shown = ctx.workspace.display(path)
        # Forgiving bounds: offset 0 or a huge limit are clear enough in intent to just serve.
        offset = max(1, args.offset)
        limit = min(max(1, args.limit), MAX_LINES)

        async def execute() -> ToolResult:
            try:
                decoded = await ctx.fs.read_text(path)
            except FileNotFoundError:
                # Looking for look-alikes walks folders: keep it off the event loop.
                message = await asyncio.to_thread(not_found_message, path, ctx.workspace)
                return ToolResult.error(message)
            except IsADirectoryError:
                return ToolResult.error(
                    f"{shown} is a directory; use glob (e.g. pattern {shown}/**/*) to list its files."
                )
            except BinaryFileError:
                return _binary(shown)
            except FileTooLargeError:
                return await _read_large(path, shown, offset, limit)
            except OSError as exc:
                return ToolResult.error(f"Cannot read {shown}: {exc.strerror or exc}.")
            lines = split_lines(decoded.text)
            note = encoding_note(decoded.encoding)
            if not lines:
                return ToolResult(output=f"{note}({shown} is empty)")
            if offset > len(lines):
                count = f"{len(lines)} line{'s' if len(lines) != 1 else ''}"
                return ToolResult.error(f"offset {offset} is past the end of {shown}, which has {count}.")
            return ToolResult(output=note + render_window(lines, offset, limit))

        return Invocation(title=f"Read {shown}", execute=execute, locations=(shown,))


def _binary(shown: str) -> ToolResult:
    return ToolResult.error(f"{shown} is a binary file; it cannot be shown.")


async def _read_large(path: Path, shown: str, offset: int, limit: int) -> ToolResult:
    """A file too large to load whole (a log, a dump): stream just the window asked for."""
    try:
        window = await asyncio.to_thread(read_window, path, offset, limit, MAX_LINE_CHARS)
    except MixedEncodingError as exc:
        return ToolResult.error(
            f"{shown} starts as {exc.encoding.label} text but has bytes further on that are not "
            f"{exc.encoding.label}; it cannot be shown as text. Look at it with a command instead "
            "(e.g. iconv -c, or grep -a)."
        )
    except BinaryFileError:
        return _binary(shown)
    except OSError as exc:
        return ToolResult.error(f"Cannot read {shown}: {exc.strerror or exc}.")
    if offset > window.total_lines:
        return ToolResult.error(
            f"offset {offset} is past the end of {shown}, which has {window.total_lines} lines."
        )
    note = encoding_note(window.encoding)
    return ToolResult(output=note + render_lines(window.lines, offset, window.total_lines))

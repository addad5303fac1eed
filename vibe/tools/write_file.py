"""The `write_file` tool, and the two-phase write that `edit` shares with it.

A planned write is computed in `prepare` (the exact diff the approver sees) and applied in
`execute` only if the file still holds what the diff was computed from: a human or another
process editing the file in between gets a refusal, not a silent clobber.

A file keeps its encoding and byte order mark (see vibe/tools/text_encoding.py); a new file is
UTF-8 without a BOM. Text the file's encoding cannot hold (a "€" in a Latin-1 file) is refused
before anything is planned: writing it as "?" or as UTF-8 bytes would corrupt the file silently.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from vibe.sandbox.repo_metadata import metadata_reason
from vibe.tools.base import Invocation, Tool, ToolContext, ToolError, ToolResult
from vibe.tools.code.languages import language_for
from vibe.tools.diffs import diff_stats, unified_diff
from vibe.tools.fs import BinaryFileError, FileTooLargeError
from vibe.tools.output_cap import cap_text
from vibe.tools.text_encoding import UTF8, DecodedText, UnencodableTextError, describe_characters
from vibe.tools.workspace import OutsideWorkspaceError

LineEnding = Literal["\r\n", "\n"]

# The diff in a result is a confirmation for the model, which already knows what it wrote;
# frontends get the whole diff through `ToolResult.diff`.
MAX_DIFF_IN_OUTPUT = 12_000


class WriteFileArgs(BaseModel):
    path: str = Field(description="File to create or overwrite, relative to the working directory.")
    content: str = Field(description="The complete new content of the file.")


def line_ending_of(text: str) -> LineEnding | None:
    """The file's consistent line ending, or None when it has none or mixes them."""
    crlf = text.count("\r\n")
    lf = text.count("\n")
    if lf == 0:
        return None
    if crlf == lf:
        return "\r\n"
    return "\n" if crlf == 0 else None


def with_line_ending(text: str, ending: LineEnding) -> str:
    unified = text.replace("\r\n", "\n")
    return unified if ending == "\n" else unified.replace("\n", "\r\n")


async def read_existing(ctx: ToolContext, path: Path) -> DecodedText | None:
    """Current text of `path`, None when it does not exist; ToolError when it cannot be edited."""
    shown = ctx.workspace.display(path)
    try:
        return await ctx.fs.read_text(path)
    except FileNotFoundError:
        return None
    except IsADirectoryError as exc:
        raise ToolError(f"{shown} is a directory, not a file.") from exc
    except BinaryFileError as exc:
        raise ToolError(f"{shown} is a binary file; it cannot be edited as text.") from exc
    except FileTooLargeError as exc:
        raise ToolError(
            f"{shown} is {exc.size / 1e6:.1f} MB, too large to change with a text tool; "
            "read parts of it with read_file, and change it with a command (sed, awk, a script)."
        ) from exc
    except OSError as exc:
        raise ToolError(f"Cannot read {shown}: {exc.strerror or exc}.") from exc


def plan_write(
    ctx: ToolContext, path: Path, before: DecodedText | None, after: str, *, title: str, summary: str
) -> Invocation | ToolResult:
    """An invocation that turns `before` (None: no file) into `after`, exactly as its diff shows,
    in the encoding of `before`; an error result when that encoding cannot hold `after`.

    `summary` opens the result ("Updated app.py"); the line counts and the diff follow it.
    """
    shown = ctx.workspace.display(path)
    encoding = UTF8 if before is None else before.encoding
    unencodable = encoding.unencodable(after)
    if unencodable:
        return ToolResult.error(
            f"{shown} is {encoding.label} text, which cannot hold {describe_characters(unencodable)}; "
            "nothing was written. Use other characters (an ASCII spelling, or an escape the file's "
            "format knows), or convert the file to UTF-8 with a command first."
        )
    diff = _display_diff(None if before is None else before.text, after, shown)
    added, removed = diff_stats(diff)

    async def execute() -> ToolResult:
        try:
            current = await read_existing(ctx, path)
        except ToolError as exc:
            return ToolResult.error(str(exc))
        if current != before:
            what = "was created" if before is None else "was deleted" if current is None else "changed"
            return ToolResult.error(
                f"{shown} {what} on disk since this change was prepared; nothing was written. "
                "Read it again and redo the change against its current content."
            )
        try:
            await ctx.fs.write_text(path, after, encoding)
        except UnencodableTextError as exc:  # checked above; a file system may still say so
            return ToolResult.error(f"Cannot write {shown}: {exc}; nothing was written.")
        except OSError as exc:
            return ToolResult.error(f"Cannot write {shown}: {exc.strerror or exc}.")
        counts = f"{added} line{'s' if added != 1 else ''} added, {removed} removed"
        output = f"{summary}: {counts}.\n\n{cap_text(diff, MAX_DIFF_IN_OUTPUT)}".rstrip("\n")
        note = ""
        if language_for(path) is not None:
            from vibe.tools.code.syntax import syntax_note  # loaded with the first code file written

            # Parsing both texts of a large file takes a while: off the event loop.
            previous = None if before is None else before.text
            note = await asyncio.to_thread(syntax_note, path, shown, previous, after)
        if note:
            # First, where the model reads it at once; the diff only confirms what it wrote.
            output = f"{note}\n\n{output}"
        return ToolResult(output=output, diff=diff, notice=note or None)

    metadata = metadata_reason(path, ctx.workspace.root_of(path))
    return Invocation(
        title=title, execute=execute, locations=(shown,), mutates=True, diff=diff, metadata=metadata
    )


def _display_diff(before: str | None, after: str, shown: str) -> str:
    """The diff over "\\n" line endings: carriage returns in every line would only be noise.

    When the only change is the line endings themselves, the raw diff is the honest one.
    """
    unified_before = None if before is None else before.replace("\r\n", "\n")
    diff = unified_diff(unified_before, after.replace("\r\n", "\n"), shown)
    if not diff and before != after:
        return unified_diff(before, after, shown)
    return diff


class WriteFileTool(Tool[WriteFileArgs]):
    name = "write_file"
    args_model = WriteFileArgs
    kind = "edit"
    read_only = False

    async def prepare(self, args: WriteFileArgs, ctx: ToolContext) -> Invocation | ToolResult:
        try:
            path = ctx.workspace.resolve(args.path)
            before = await read_existing(ctx, path)
        except (OutsideWorkspaceError, ToolError) as exc:
            return ToolResult.error(str(exc))
        shown = ctx.workspace.display(path)
        after = args.content
        # Keep the file's line-ending convention: models write "\n" whatever the file uses.
        ending = None if before is None else line_ending_of(before.text)
        if ending is not None and line_ending_of(after) != ending:
            after = with_line_ending(after, ending)
        if before is not None and before.text == after:
            return ToolResult(output=f"No changes: {shown} already has exactly this content.")
        verb = "Create" if before is None else "Write"
        summary = f"{'Created' if before is None else 'Updated'} {shown}"
        return plan_write(ctx, path, before, after, title=f"{verb} {shown}", summary=summary)

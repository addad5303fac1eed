"""The `edit` tool: replace one exact piece of a file, forgiving the usual copying slips.

Matching lives in `edit_match` (pure); this module handles the file: line endings, the special
cases of an empty `old_string`, and the messages that help the model correct a failed edit. The
write itself is the same two-phase plan as `write_file`'s, so the file is either changed exactly
as the diff shows or left byte-for-byte untouched.
"""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolError, ToolResult
from vibe.tools.edit_match import (
    RUNG_DESCRIPTIONS,
    Ambiguous,
    NotFound,
    Replacement,
    apply_replacements,
    closest_region,
    find_replacements,
)
from vibe.tools.read_file import not_found_message, number_line, split_lines
from vibe.tools.text_encoding import DecodedText
from vibe.tools.workspace import OutsideWorkspaceError
from vibe.tools.write_file import line_ending_of, plan_write, read_existing

CONTEXT_LINES = 2
# A failed edit shows where the text probably is; an enormous old_string must not echo a novel.
MAX_REGION_LINES = 60
# An ambiguous old_string as short as "x" can occur thousands of times; a few lines locate it.
MAX_LINES_LISTED = 20


class EditArgs(BaseModel):
    path: str = Field(description="File to edit, relative to the working directory.")
    old_string: str = Field(description="Exact text to replace, with enough context to be unique.")
    new_string: str = Field(description="Text to put in its place.")
    replace_all: bool = Field(default=False, description="Replace every occurrence of old_string.")


class EditTool(Tool[EditArgs]):
    name = "edit"
    args_model = EditArgs
    kind = "edit"
    read_only = False

    async def prepare(self, args: EditArgs, ctx: ToolContext) -> Invocation | ToolResult:
        if args.old_string == args.new_string:
            return ToolResult.error("old_string and new_string are identical; there is nothing to change.")
        try:
            path = ctx.workspace.resolve(args.path)
            before = await read_existing(ctx, path)
        except (OutsideWorkspaceError, ToolError) as exc:
            return ToolResult.error(str(exc))
        if args.old_string == "":
            return _fill_empty(ctx, path, before, args.new_string)
        if before is None:
            return ToolResult.error(await asyncio.to_thread(not_found_message, path, ctx.workspace))
        return await _replace(ctx, path, before, args)


def _fill_empty(
    ctx: ToolContext, path: Path, before: DecodedText | None, content: str
) -> Invocation | ToolResult:
    """An empty old_string means "this file is new (or empty): give it this content"."""
    shown = ctx.workspace.display(path)
    if before is not None and before.text:
        return ToolResult.error(
            f"old_string is empty but {shown} already has content. Give the exact text to replace, "
            "or use write_file to replace the whole file."
        )
    verb = "Created" if before is None else "Filled"
    title = f"{'Create' if before is None else 'Edit'} {shown}"
    return plan_write(ctx, path, before, content, title=title, summary=f"{verb} {shown}")


def _endings_of_region(text: str, item: Replacement) -> Replacement:
    """In a file that mixes endings, replaced lines keep the ending the replaced region used."""
    if "\r\n" not in text[item.start : item.end]:
        return item
    new_text = item.new_text.replace("\r\n", "\n").replace("\n", "\r\n")
    return dataclasses.replace(item, new_text=new_text)


async def _replace(
    ctx: ToolContext, path: Path, decoded: DecodedText, args: EditArgs
) -> Invocation | ToolResult:
    shown = ctx.workspace.display(path)
    before = decoded.text
    # Models write "\n"; a CRLF file is matched as "\n" text and written back as CRLF. A file
    # that mixes endings is matched as it is, so lines the edit does not touch keep theirs.
    crlf = line_ending_of(before) == "\r\n"
    text, old, new = before, args.old_string, args.new_string
    if crlf or "\r\n" not in before:
        text, old, new = (s.replace("\r\n", "\n") for s in (before, old, new))
    outcome = await asyncio.to_thread(find_replacements, text, old, new, replace_all=args.replace_all)
    if isinstance(outcome, NotFound):
        return ToolResult.error(await asyncio.to_thread(_not_found_report, text, old, shown))
    if isinstance(outcome, Ambiguous):
        return ToolResult.error(_ambiguous_report(outcome, shown))
    replacements = outcome.replacements
    if not crlf and "\r\n" in text:
        replacements = tuple(_endings_of_region(text, item) for item in replacements)
    edited = apply_replacements(text, replacements)
    after = edited.replace("\n", "\r\n") if crlf else edited
    how = RUNG_DESCRIPTIONS[outcome.rung]
    if after == before:
        return ToolResult(output=f"No changes: the replacement ({how}) leaves {shown} as it was.")
    count = len(outcome.replacements)
    summary = f"Edited {shown} ({how}, {count} replacement{'s' if count != 1 else ''})"
    return plan_write(ctx, path, decoded, after, title=f"Edit {shown}", summary=summary)


def _ambiguous_report(outcome: Ambiguous, shown: str) -> str:
    how = "" if outcome.rung == "exact" else f" ({RUNG_DESCRIPTIONS[outcome.rung]})"
    lines = ", ".join(str(line) for line in outcome.lines[:MAX_LINES_LISTED])
    if len(outcome.lines) > MAX_LINES_LISTED:
        lines += f" and {len(outcome.lines) - MAX_LINES_LISTED:,} more"
    return (
        f"old_string was found {len(outcome.lines)} times in {shown}{how}, at lines {lines}; "
        "nothing was changed. Include more surrounding lines to make it unique, "
        "or set replace_all to true to replace every occurrence."
    )


def _not_found_report(text: str, old: str, shown: str) -> str:
    message = f"old_string was not found in {shown}; nothing was changed."
    region = closest_region(text, old)
    if region is None:
        return f"{message} The file is empty."
    lines = split_lines(text)
    first = max(1, region.first - CONTEXT_LINES)
    last = min(len(lines), region.last + CONTEXT_LINES, first + MAX_REGION_LINES - 1)
    numbered = "\n".join(number_line(n, lines[n - 1]) for n in range(first, last + 1))
    return (
        f"{message} The most similar part of the file ({region.similarity:.0%} alike, "
        f"lines {region.first}-{region.last}, shown with context):\n{numbered}\n"
        "Copy old_string exactly from the file (without the line numbers) and try again."
    )

"""The `outline` tool: the shape of a source file or folder, so the model reads only what it needs.

A file shows every symbol (classes → methods) with its kind, name, signature and line range, the
ranges being what `read_file`'s offset and limit take. A folder shows each source file's
top-level symbols, nearest files first, within a size budget. Files are parsed with the
tree-sitter grammars of `vibe/tools/code/`; other files are text and have no outline. What is
shown is made in `code/outline_text.py`, loaded with the first outline.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.code.languages import (
    MAX_PARSE_BYTES,
    CodeLanguage,
    language_for,
    source_bytes,
    supported_suffixes,
)
from vibe.tools.fs import BinaryFileError, FileTooLargeError
from vibe.tools.search_target import check_target
from vibe.tools.shown_names import quote_name
from vibe.tools.stoppable import run_stoppable
from vibe.tools.workspace import OutsideWorkspaceError


class OutlineArgs(BaseModel):
    path: str = Field(description="Source file or folder.")


class OutlineTool(Tool[OutlineArgs]):
    name = "outline"
    args_model = OutlineArgs
    kind = "search"
    read_only = True

    async def prepare(self, args: OutlineArgs, ctx: ToolContext) -> Invocation | ToolResult:
        try:
            path = ctx.workspace.resolve(args.path)
        except OutsideWorkspaceError as exc:
            return ToolResult.error(str(exc))
        shown = quote_name(ctx.workspace.display(path))
        target = check_target(path, shown, self.name)
        if isinstance(target, str):
            return ToolResult.error(target)
        if target.kind == "file":
            language = language_for(path)
            if language is None:
                return ToolResult.error(_unknown_language(shown))

            async def outline_file() -> ToolResult:
                return await _outline_file(ctx, path, shown, language)

            return Invocation(title=f"Outline {shown}", execute=outline_file, locations=(shown,))

        async def outline_folder() -> ToolResult:
            from vibe.tools.code.facts_cache import default_database
            from vibe.tools.code.outline_text import folder_outline  # loaded with the first outline

            database = default_database()
            output = await run_stoppable(
                lambda flag: folder_outline(path, shown, ctx.workspace, flag, database)
            )
            return ToolResult(output=output)

        return Invocation(title=f"Outline {shown}", execute=outline_folder, locations=(shown,))


def _unknown_language(shown: str) -> str:
    known = " ".join(sorted(supported_suffixes()))
    return f"{shown} is not in a language outline knows ({known}); read it with read_file."


async def _outline_file(ctx: ToolContext, path: Path, shown: str, language: CodeLanguage) -> ToolResult:
    # Through the file-system seam: in an editor, the buffer as the user sees it.
    try:
        text = (await ctx.fs.read_text(path)).text
    except BinaryFileError:
        return ToolResult.error(f"{shown} is a binary file; it has no outline.")
    except FileTooLargeError as exc:
        return ToolResult.error(_too_large(shown, exc.size))
    except OSError as exc:
        return ToolResult.error(f"Cannot read {shown}: {exc.strerror or exc}.")
    source = source_bytes(text)
    if len(source) > MAX_PARSE_BYTES:
        return ToolResult.error(_too_large(shown, len(source)))
    from vibe.tools.code.outline_text import render_file  # loaded with the first outline

    return await run_stoppable(lambda flag: render_file(source, shown, language, flag))


def _too_large(shown: str, size: int) -> str:
    return (
        f"{shown} is {size / 1e6:.1f} MB, more than outline parses ({MAX_PARSE_BYTES / 1e6:.0f} MB); "
        "find what you need with grep and read it with read_file."
    )

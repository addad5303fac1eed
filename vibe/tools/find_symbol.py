"""The `find_symbol` tool: where a name is defined and where it is used, from the syntax trees.

Unlike grep, it tells a definition from a use and skips comments and strings. The search itself
is in `code/symbol_search.py`, loaded with the first call.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.code.languages import language_for, supported_suffixes
from vibe.tools.code.queries import KINDS
from vibe.tools.search_target import check_target
from vibe.tools.shown_names import quote_name
from vibe.tools.stoppable import run_stoppable
from vibe.tools.workspace import OutsideWorkspaceError

# One identifier, optionally qualified by its container: `parse`, `Parser.parse`, `Box::size`.
_QUALIFIED = re.compile(r"[^\W\d][\w$]*(?:(?:\.|::)[^\W\d~][\w$]*)*|~[^\W\d]\w*", re.UNICODE)


class FindSymbolArgs(BaseModel):
    name: str = Field(description="Symbol name, e.g. parse_args or Parser.parse.")
    kind: str | None = Field(default=None, description="Only definitions of this kind: class, function…")
    path: str = Field(default=".", description="File or folder to search.")


class FindSymbolTool(Tool[FindSymbolArgs]):
    name = "find_symbol"
    args_model = FindSymbolArgs
    kind = "search"
    read_only = True

    async def prepare(self, args: FindSymbolArgs, ctx: ToolContext) -> Invocation | ToolResult:
        wanted = args.name.strip()
        if _QUALIFIED.fullmatch(wanted) is None:
            return ToolResult.error(
                f"name {args.name!r} is not a symbol name: give one identifier such as parse_args, "
                "optionally with its class (Parser.parse). To search text or patterns, use grep."
            )
        kind = (args.kind or "").strip().lower() or None
        if kind is not None and kind not in KINDS:
            return ToolResult.error(f"kind {args.kind!r} is not one of: {', '.join(KINDS)}.")
        try:
            root = ctx.workspace.resolve(args.path)
        except OutsideWorkspaceError as exc:
            return ToolResult.error(str(exc))
        shown = quote_name(ctx.workspace.display(root))
        target = check_target(root, shown, self.name)
        if isinstance(target, str):
            return ToolResult.error(target)
        if target.kind == "file" and language_for(root) is None:
            known = " ".join(sorted(supported_suffixes()))
            return ToolResult.error(f"{shown} is not in a language find_symbol knows ({known}); use grep.")

        async def execute() -> ToolResult:
            from vibe.tools.code.facts_cache import default_database
            from vibe.tools.code.symbol_search import find, render  # loaded with the first search

            database = default_database()
            found = await run_stoppable(lambda flag: find(root, wanted, kind, flag, database))
            return ToolResult(output=render(found, wanted, kind, shown, root, ctx.workspace))

        return Invocation(title=f"Find symbol {wanted} in {shown}", execute=execute, locations=(shown,))

"""The built-in tool set, registered through the same call an MCP bridge will use."""

from __future__ import annotations

from vibe.sandbox.base import SandboxReport
from vibe.tools.base import ToolRegistry
from vibe.tools.bash import BashTool
from vibe.tools.edit import EditTool
from vibe.tools.find_symbol import FindSymbolTool
from vibe.tools.git_branch import GitBranchTool
from vibe.tools.git_commit import GitCommitTool
from vibe.tools.git_history import GitBlameTool, GitLogTool, GitShowTool
from vibe.tools.git_inspect import GitDiffTool, GitStatusTool
from vibe.tools.glob_tool import GlobTool
from vibe.tools.grep import GrepTool
from vibe.tools.outline import OutlineTool
from vibe.tools.read_file import ReadFileTool
from vibe.tools.todo import TodoTool
from vibe.tools.write_file import WriteFileTool

__all__ = ["builtin_registry"]


def builtin_registry(sandbox: SandboxReport | None = None, *, co_author: str | None = None) -> ToolRegistry:
    """`sandbox`: the report of the sandbox commands run in, stated in the bash tool's description.
    `co_author`: `[git] co_author`, the trailer git_commit adds (none when unset)."""
    registry = ToolRegistry()
    bash = BashTool(sandbox)
    tools = (
        ReadFileTool(),
        EditTool(),
        WriteFileTool(),
        GrepTool(),
        GlobTool(),
        OutlineTool(),
        FindSymbolTool(),
        bash,
        TodoTool(),
    )
    for tool in tools:
        registry.register(tool)
    git_tools = (GitStatusTool(), GitDiffTool(), GitLogTool(), GitShowTool(), GitBlameTool())
    for tool in (*git_tools, GitCommitTool(co_author), GitBranchTool()):
        registry.register(tool)
    return registry

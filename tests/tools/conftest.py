"""Shared fixtures for tool tests: a real workspace in tmp_path, local disk, no sandbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace

RunTool = Callable[..., Awaitable[ToolResult]]


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.create(tmp_path)


@pytest.fixture
def ctx(workspace: Workspace) -> ToolContext:
    return ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=NoSandbox())


async def call_tool(tool: Tool[Any], ctx: ToolContext, **arguments: Any) -> ToolResult:
    """Validate, prepare and (when prepared) execute, as the dispatcher does after approval."""
    args = tool.args_model.model_validate(arguments)
    prepared = await tool.prepare(args, ctx)
    if isinstance(prepared, Invocation):
        return await prepared.execute()
    return prepared


@pytest.fixture
def run_tool(ctx: ToolContext) -> RunTool:
    async def run(tool: Tool[Any], **arguments: Any) -> ToolResult:
        return await call_tool(tool, ctx, **arguments)

    return run

"""MCP tools under the permission policy: they ask unless a rule allows them, patterns name
several at once, plan mode refuses what is not trusted read-only, auto mode does not cover them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vibe.config.permissions import PermissionsSettings, ToolPermission
from vibe.config.settings import PermissionMode
from vibe.policy.engine import PermissionPolicy
from vibe.policy.verdict import Verdict
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, ToolContext
from vibe.tools.fs import LocalFileSystem
from vibe.tools.mcp.tool import McpTool
from vibe.tools.workspace import Workspace


async def _never_called(_name: str, _arguments: dict[str, Any]) -> tuple[str, bool]:
    raise AssertionError("the policy must not call the server")


def mcp_tool(name: str = "mcp__git__status", *, trusted_read_only: bool = False) -> McpTool:
    server, remote = name.split("__")[1:]
    return McpTool(
        name=name,
        server=server,
        remote_name=remote,
        description="",
        schema={"type": "object", "properties": {}},
        trusted_read_only=trusted_read_only,
        timeout=None,
        call=_never_called,
    )


async def judge(
    tool: McpTool,
    mode: PermissionMode = "accept-edits",
    tools: dict[str, ToolPermission] | None = None,
    *,
    auto_approve: bool = False,
    tmp_path: Path,
) -> Verdict:
    policy = PermissionPolicy(
        mode, PermissionsSettings(tools=tools or {}), sandbox_confined=True, auto_approve=auto_approve
    )
    ctx = ToolContext(workspace=Workspace.create(tmp_path), fs=LocalFileSystem(), sandbox=NoSandbox())
    invocation = await tool.prepare({}, ctx)
    assert isinstance(invocation, Invocation)
    return policy.evaluate(tool, invocation)


@pytest.mark.parametrize("mode", ["ask", "accept-edits", "auto"])
async def test_an_mcp_call_asks_in_every_mode_that_runs_things(mode: PermissionMode, tmp_path: Path) -> None:
    verdict = await judge(mcp_tool(), mode, tmp_path=tmp_path)
    assert verdict.action == "ask"


async def test_plan_mode_refuses_an_mcp_call_not_trusted_read_only(tmp_path: Path) -> None:
    assert (await judge(mcp_tool(), "plan", tmp_path=tmp_path)).action == "deny"
    # Not even an allow rule makes plan mode run it.
    always: dict[str, ToolPermission] = {"mcp__git__*": "always"}
    assert (await judge(mcp_tool(), "plan", always, tmp_path=tmp_path)).action == "deny"


async def test_a_trusted_read_only_tool_runs_without_asking_even_in_plan_mode(tmp_path: Path) -> None:
    tool = mcp_tool(trusted_read_only=True)
    assert (await judge(tool, "plan", tmp_path=tmp_path)).action == "allow"
    assert (await judge(tool, "ask", tmp_path=tmp_path)).action == "allow"


async def test_a_pattern_allows_every_tool_of_a_server(tmp_path: Path) -> None:
    rules: dict[str, ToolPermission] = {"mcp__git__*": "always"}
    assert (await judge(mcp_tool("mcp__git__log"), tools=rules, tmp_path=tmp_path)).action == "allow"
    assert (await judge(mcp_tool("mcp__docs__search"), tools=rules, tmp_path=tmp_path)).action == "ask"


async def test_the_most_specific_setting_wins(tmp_path: Path) -> None:
    rules: dict[str, ToolPermission] = {
        "mcp__*": "never",
        "mcp__git__*": "always",
        "mcp__git__push": "ask",
    }
    assert (await judge(mcp_tool("mcp__git__log"), tools=rules, tmp_path=tmp_path)).action == "allow"
    assert (await judge(mcp_tool("mcp__git__push"), tools=rules, tmp_path=tmp_path)).action == "ask"
    assert (await judge(mcp_tool("mcp__docs__get"), tools=rules, tmp_path=tmp_path)).action == "deny"


async def test_auto_approve_approves_an_mcp_call_but_never_overrides_never(tmp_path: Path) -> None:
    assert (await judge(mcp_tool(), auto_approve=True, tmp_path=tmp_path)).action == "allow"
    never: dict[str, ToolPermission] = {"mcp__git__*": "never"}
    assert (await judge(mcp_tool(), tools=never, auto_approve=True, tmp_path=tmp_path)).action == "deny"

"""The bash tool under the real sandbox: the model reads what is enforced, and is told when a
failure is the sandbox's doing."""

from __future__ import annotations

import socket
from dataclasses import replace

from vibe.agent.tool_specs import tool_specs
from vibe.sandbox.base import NoSandbox, SandboxPolicy
from vibe.sandbox.probe import create_sandbox, default_backends, probe_backend
from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.bash import BashArgs, BashTool
from vibe.tools.builtin import builtin_registry


async def call_tool(tool: BashTool, ctx: ToolContext, command: str) -> ToolResult:
    prepared = await tool.prepare(BashArgs(command=command), ctx)
    assert isinstance(prepared, Invocation)
    return await prepared.execute()


def confined(ctx: ToolContext, backend: str = "bubblewrap", **fields: object) -> ToolContext:
    policy = SandboxPolicy(writable_roots=ctx.workspace.roots, **fields)  # type: ignore[arg-type]
    chosen = next(b for b in default_backends() if b.name == backend)
    return replace(ctx, sandbox=probe_backend(chosen, policy))


async def test_blocked_write_tells_the_model_not_to_retry(ctx: ToolContext) -> None:
    sandboxed = confined(ctx)
    result = await call_tool(BashTool(), sandboxed, command="echo x > /etc/vibe-escape")
    assert not result.ok
    lines = result.output.splitlines()
    assert "Read-only file system" in lines[0]
    assert lines[1] == "exit code: 1"
    assert lines[2].startswith(
        "[sandbox] This command ran in the bubblewrap sandbox (confined by bubblewrap:"
    )
    assert "blocks writes outside the workspace and to protected paths" in lines[2]
    assert "Do not retry the same way" in lines[2]


async def test_blocked_network_says_network_is_off(ctx: ToolContext) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        command = f"python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", {port}), 5)'"
        for backend in ("bubblewrap", "landlock"):
            result = await call_tool(BashTool(), confined(ctx, backend), command=command)
            assert not result.ok
            assert "blocks the network" in result.output, backend
            assert "allow network (--allow-network)" in result.output


async def test_no_note_for_ordinary_failures_or_unconfined_runs(ctx: ToolContext) -> None:
    result = await call_tool(BashTool(), confined(ctx), command="echo nope; exit 2")
    assert result.output == "nope\nexit code: 2"
    unconfined = await call_tool(
        BashTool(), ctx, command="cat /nonexistent/x; echo denied: Permission denied; exit 1"
    )
    assert "[sandbox]" not in unconfined.output


def test_description_states_the_sandbox_in_force(ctx: ToolContext) -> None:
    report = confined(ctx).sandbox.report
    specs = {spec.name: spec for spec in tool_specs(builtin_registry(report))}
    assert specs["bash"].description.endswith(f"\nSandbox: {report.summary}.")
    assert "no network" in specs["bash"].description
    fallback = create_sandbox(SandboxPolicy(), "off").report
    assert (
        BashTool(fallback)
        .description()
        .endswith(
            "Sandbox: no OS sandbox: commands run with your user's full permissions (turned off by the user)."
        )
    )
    # Without a report (older callers), nothing is claimed either way.
    assert "Sandbox:" not in BashTool().description()
    assert NoSandbox().report.summary not in BashTool().description()

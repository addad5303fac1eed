"""The bash tool end to end: real shell, real processes, real workspace."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from pydantic import ValidationError

from support.processes import assert_all_dead, sleeper
from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.bash import BashArgs, BashTool, clean_terminal_text, command_title

RunTool = Callable[..., Awaitable[ToolResult]]


async def test_success_reports_output_and_exit_code(run_tool: RunTool) -> None:
    result = await run_tool(BashTool(), command="echo hello")
    assert result.ok
    assert result.output == "hello\nexit code: 0"


async def test_failure_keeps_stdout_and_stderr(run_tool: RunTool) -> None:
    result = await run_tool(BashTool(), command="echo out; echo oops >&2; exit 3")
    assert not result.ok
    assert result.output == "out\noops\nexit code: 3"


async def test_runs_in_workspace_cwd_with_no_input(run_tool: RunTool, ctx: ToolContext) -> None:
    result = await run_tool(BashTool(), command="pwd; cat")
    assert result.output == f"{ctx.workspace.cwd}\nexit code: 0"


async def test_empty_output_is_stated(run_tool: RunTool) -> None:
    result = await run_tool(BashTool(), command="true")
    assert result.output == "(no output)\nexit code: 0"


async def test_signal_death_is_reported(run_tool: RunTool) -> None:
    result = await run_tool(BashTool(), command="kill -9 $$")
    assert not result.ok
    assert result.output.endswith("killed by signal 9 (SIGKILL)")


async def test_prepare_describes_the_command(ctx: ToolContext) -> None:
    command = "pytest -q tests/ " + "x" * 100
    prepared = await BashTool().prepare(BashArgs(command=command), ctx)
    assert isinstance(prepared, Invocation)
    assert prepared.mutates
    assert prepared.command == command
    assert prepared.title.endswith("…") and len(prepared.title) <= 80
    assert command_title("make\nmake install") == "make…"


async def test_empty_command_is_a_readable_error(run_tool: RunTool) -> None:
    result = await run_tool(BashTool(), command="   ")
    assert not result.ok
    assert "empty" in result.output


async def test_timeout_kills_the_process_group(run_tool: RunTool) -> None:
    marker = f"marker-{uuid.uuid4().hex}"
    command = f"echo begun; {sleeper(marker)} & {sleeper(marker)}"
    started = time.monotonic()
    result = await run_tool(BashTool(), command=command, timeout_seconds=1)
    assert time.monotonic() - started < 10
    assert not result.ok
    assert result.output == "begun\ntimed out after 1 s; process group killed"
    await assert_all_dead(marker)


async def test_background_grandchild_does_not_hang_and_is_stopped(run_tool: RunTool) -> None:
    marker = f"marker-{uuid.uuid4().hex}"
    result = await run_tool(BashTool(), command=f"{sleeper(marker)} & echo hi")
    assert result.ok
    assert result.output.splitlines() == [
        "hi",
        "background processes still running after the command exited were stopped",
        "exit code: 0",
    ]
    await assert_all_dead(marker)


async def test_cancelling_the_call_kills_everything(ctx: ToolContext) -> None:
    marker = f"marker-{uuid.uuid4().hex}"
    ready = asyncio.Event()

    def emit(text: str) -> None:
        if "ready" in text:
            ready.set()

    live_ctx = replace(ctx, emit_output=emit)
    command = f"{sleeper(marker)} & echo ready; {sleeper(marker)}"
    prepared = await BashTool().prepare(BashArgs(command=command), live_ctx)
    assert isinstance(prepared, Invocation)
    task = asyncio.ensure_future(prepared.execute())
    await asyncio.wait_for(ready.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await assert_all_dead(marker)


async def test_timeout_above_maximum_is_clamped_and_said(run_tool: RunTool) -> None:
    result = await run_tool(BashTool(), command="echo quick", timeout_seconds=900)
    assert result.ok
    assert "timeout_seconds 900 is above the maximum; used 600 s" in result.output


def test_timeout_below_one_second_is_rejected() -> None:
    with pytest.raises(ValidationError):
        BashArgs.model_validate({"command": "true", "timeout_seconds": 0})


async def test_huge_output_is_truncated_with_the_cut_stated(run_tool: RunTool) -> None:
    result = await run_tool(BashTool(), command="yes | head -c 10000000")
    assert result.ok
    assert len(result.output) < 32_000
    assert " bytes (" in result.output and " lines) omitted ...]" in result.output
    assert result.output.endswith("y\nexit code: 0")


async def test_output_streams_to_emit_output(ctx: ToolContext) -> None:
    chunks: list[str] = []
    command = "echo one; printf '\\033[32mtwo\\033[0m\\n'"
    prepared = await BashTool().prepare(BashArgs(command=command), replace(ctx, emit_output=chunks.append))
    assert isinstance(prepared, Invocation)
    result = await prepared.execute()
    assert "".join(chunks) == "one\ntwo\n"
    assert result.output == "one\ntwo\nexit code: 0"


def test_terminal_noise_is_cleaned_for_the_model() -> None:
    raw = "\x1b[1;31merror\x1b[0m\r\n10%\r50%\r100%\n\x1b]0;title\x07done\n"
    assert clean_terminal_text(raw) == "error\n100%\ndone\n"

"""Configured MCP servers as tool sources: a real SDK server over stdio (inside the real sandbox)
and over streamable HTTP, started, listed, called, broken, and stopped."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.processes import children, still_running, survivors
from vibe.composition.engine import sandbox_policy
from vibe.composition.mcp_sources import add_mcp_sources
from vibe.config.settings import Settings
from vibe.sandbox.base import NoSandbox
from vibe.sandbox.probe import create_sandbox
from vibe.tools.base import Invocation, ToolContext, ToolRegistry, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.mcp.source import McpSource
from vibe.tools.mcp.tool import McpTool
from vibe.tools.source_status import SourceNotice
from vibe.tools.workspace import Workspace

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


def stdio(*extra: str, **settings: Any) -> dict[str, Any]:
    return {"command": sys.executable, "args": [SERVER, *extra], **settings}


class Running:
    def __init__(
        self, registry: ToolRegistry, sources: list[McpSource], workspace: Workspace, failures: list[str]
    ) -> None:
        self.registry = registry
        self.failures = failures
        self.sources = sources
        self.ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=NoSandbox())

    async def call(self, name: str, **arguments: Any) -> ToolResult:
        tool = self.registry.get(name)
        assert isinstance(tool, McpTool), f"{name} not registered: {self.registry.names()}"
        prepared = await tool.prepare(tool.parse(arguments), self.ctx)
        assert isinstance(prepared, Invocation)
        return await prepared.execute()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "vibe-home"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "project"
    root.mkdir()
    return Workspace.create(root)


async def start(servers: dict[str, Any], workspace: Workspace, home: Path) -> Running:
    settings = Settings.model_validate({"mcp_servers": servers})
    registry = ToolRegistry()
    sources = add_mcp_sources(registry, settings, workspace, home, sandbox_policy(settings, workspace))
    await registry.start()
    return Running(registry, sources, workspace, await registry.wait_settled())


@pytest.fixture
async def servers(workspace: Workspace, home: Path) -> AsyncIterator[list[Running]]:
    started: list[Running] = []
    yield started
    for running in started:
        await running.registry.aclose()


async def test_a_stdio_server_tools_join_under_their_prefixed_names(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"t": stdio()}, workspace, home)
    servers.append(running)
    names = running.registry.names()
    assert {"mcp__t__echo", "mcp__t__huge", "mcp__t__write", "mcp__t__hang"} <= set(names)
    echo = running.registry.get("mcp__t__echo")
    assert echo is not None
    assert echo.parameters()["properties"]["text"]["type"] == "string"
    assert 'MCP server "t"' in echo.description()
    result = await running.call("mcp__t__echo", text="hi")
    assert result.ok and result.output == "echo: hi"


async def test_every_stdio_server_gets_the_same_sandbox_as_commands(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"a": stdio(), "b": stdio()}, workspace, home)
    servers.append(running)
    settings = Settings()
    commands = create_sandbox(sandbox_policy(settings, workspace), settings.sandbox.use).report.summary
    first, second = (source.status().confinement for source in running.sources)
    assert first == f"{commands}; also writes {home / 'mcp' / 'a'}"
    assert second == f"{commands}; also writes {home / 'mcp' / 'b'}"


async def test_filters_choose_which_tools_join(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"t": stdio(enabled_tools=["echo"])}, workspace, home)
    servers.append(running)
    assert running.registry.names() == ["mcp__t__echo"]


async def test_a_huge_result_is_capped_with_the_cut_stated(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"t": stdio()}, workspace, home)
    servers.append(running)
    result = await running.call("mcp__t__huge", lines=20_000)
    assert len(result.output) < 31_000
    assert "omitted" in result.output and result.output.startswith("line 0 ")


async def test_a_server_that_hangs_at_start_fails_within_its_startup_timeout(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"slow": stdio("--hang-at-start", startup_timeout=0.5)}, workspace, home)
    servers.append(running)
    assert running.registry.names() == []
    assert running.failures == ["MCP server 'slow' is not available: no answer within 0.5 seconds"]


async def test_a_missing_command_is_one_clear_failure(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"gone": {"command": "/nonexistent/mcp-server"}}, workspace, home)
    servers.append(running)
    (failure,) = running.failures
    assert failure.startswith("MCP server 'gone' is not available")


async def test_a_call_that_hangs_ends_at_the_tool_timeout(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"t": stdio(tool_timeout=0.5)}, workspace, home)
    servers.append(running)
    result = await running.call("mcp__t__hang")
    assert not result.ok and "MCP server 't'" in result.output
    # The server is still usable afterwards.
    assert (await running.call("mcp__t__echo", text="again")).output == "echo: again"


async def test_a_server_that_dies_mid_call_gives_an_error_result(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"t": stdio(tool_timeout=10)}, workspace, home)
    servers.append(running)
    result = await running.call("mcp__t__crash")
    assert not result.ok and result.output.startswith("MCP server 't':")


async def test_a_server_that_dies_is_one_notice_and_comes_back_on_restart(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"t": stdio(tool_timeout=10)}, workspace, home)
    servers.append(running)
    told: list[SourceNotice] = []
    heard = asyncio.Event()

    def listen(notice: SourceNotice) -> None:
        told.append(notice)
        heard.set()

    running.registry.listen(listen)
    await running.call("mcp__t__crash")
    await asyncio.wait_for(heard.wait(), 10)
    (source,) = running.sources
    await source.restart()  # waits for the dead server's task to end first
    await source.settled()
    (notice,) = told
    assert notice.state == "failed"
    assert notice.message.startswith("MCP server 't' stopped: it exited")
    assert notice.message.endswith("until /mcp restart t")
    assert source.status().state == "ready" and source.status().error is None
    assert (await running.call("mcp__t__echo", text="back")).output == "echo: back"
    assert len(told) == 1


async def test_a_stdio_server_is_confined_to_the_workspace_and_its_state_folder(
    workspace: Workspace, home: Path, tmp_path: Path, servers: list[Running], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIBE_TEST_SECRET", "hunter2")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    running = await start({"t": stdio(env={"VIBE_TEST_SECRET": "given"})}, workspace, home)
    servers.append(running)
    outside = tmp_path / "outside.txt"
    inside = workspace.cwd / "inside.txt"
    refused = await running.call("mcp__t__write", path=str(outside), text="x")
    assert refused.output.startswith("refused") and not outside.exists()
    assert (await running.call("mcp__t__write", path=str(inside), text="x")).output == "written"
    state = home / "mcp" / "t"
    assert (await running.call("mcp__t__write", path=str(state / "cache.txt"), text="x")).output == "written"
    seen = (await running.call("mcp__t__environment")).output
    assert f"HOME={state} " in seen and "SECRET=given" in seen
    assert "ghp_secret" not in seen


@pytest.mark.parametrize("network", [False, True])
async def test_a_stdio_server_reaches_the_network_only_when_allowed(
    network: bool, workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    with listener:
        running = await start({"t": stdio(network=network)}, workspace, home)
        servers.append(running)
        answer = (await running.call("mcp__t__connect", port=listener.getsockname()[1])).output
    assert (answer == "connected") is network, answer


async def test_stopping_leaves_no_server_process(workspace: Workspace, home: Path) -> None:
    running = await start({"t": stdio()}, workspace, home)
    before = survivors(SERVER)
    assert before
    await running.registry.aclose()
    assert running.registry.names() == []
    assert not still_running(before)


def _serve(flag: str, path: str) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, SERVER, flag], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def http_server() -> Iterator[str]:
    yield from _serve("--http", "/mcp")


@pytest.fixture
def sse_server() -> Iterator[str]:
    yield from _serve("--sse", "/sse")


async def test_a_streamable_http_server_is_listed_and_called(
    http_server: str, workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"web": {"url": http_server, "headers": {"X-Test": "1"}}}, workspace, home)
    servers.append(running)
    assert "mcp__web__echo" in running.registry.names()
    assert (await running.call("mcp__web__echo", text="over http")).output == "echo: over http"


async def test_stopping_while_starting_does_not_hang(workspace: Workspace, home: Path) -> None:
    settings = Settings.model_validate(
        {"mcp_servers": {"slow": stdio("--hang-at-start", startup_timeout=60)}}
    )
    registry = ToolRegistry()
    add_mcp_sources(registry, settings, workspace, home, sandbox_policy(settings, workspace))
    await registry.start()
    await asyncio.wait_for(registry.aclose(), 20)
    assert not survivors(SERVER)


async def test_a_cancelled_call_ends_at_once_and_the_server_stays_usable(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"t": stdio(tool_timeout=60)}, workspace, home)
    servers.append(running)
    call = asyncio.create_task(running.call("mcp__t__hang"))
    await asyncio.sleep(0)  # let the call start before it is cancelled, as Esc would
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(call, 5)
    assert (await running.call("mcp__t__echo", text="still here")).output == "echo: still here"


@pytest.mark.parametrize("transport", ["sse", None])
async def test_an_http_sse_server_is_listed_and_called_when_asked_for_or_by_fallback(
    transport: str | None, sse_server: str, workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    settings: dict[str, Any] = {"url": sse_server, **({"transport": transport} if transport else {})}
    running = await start({"old": settings}, workspace, home)
    servers.append(running)
    assert running.failures == []
    (source,) = running.sources
    assert source.status().transport == "sse"
    assert "mcp__old__echo" in running.registry.names()
    assert (await running.call("mcp__old__echo", text="over sse")).output == "echo: over sse"


async def test_a_url_set_to_streamable_http_does_not_fall_back(
    sse_server: str, workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"old": {"url": sse_server, "transport": "http"}}, workspace, home)
    servers.append(running)
    (failure,) = running.failures
    assert failure.startswith("MCP server 'old' is not available")
    assert running.registry.names() == []


async def test_if_the_mcp_client_process_dies_each_server_says_so_once_and_restart_brings_it_back(
    workspace: Workspace, home: Path, servers: list[Running]
) -> None:
    running = await start({"a": stdio(), "b": stdio()}, workspace, home)
    servers.append(running)
    told: list[SourceNotice] = []
    both = asyncio.Event()

    def listen(notice: SourceNotice) -> None:
        told.append(notice)
        if len(told) == 2:
            both.set()

    running.registry.listen(listen)
    (client,) = children(os.getpid(), "vibe.tools.mcp.host")
    old_servers = survivors(SERVER)
    client.kill()
    await asyncio.wait_for(both.wait(), 20)
    assert sorted(notice.source for notice in told) == ["a", "b"]
    assert all("vibe's MCP client process ended unexpectedly" in notice.message for notice in told)
    assert running.registry.names() == []  # their tools are gone, not left to fail
    for source in running.sources:
        await source.restart()
        await source.settled()
    assert (await running.call("mcp__a__echo", text="back")).output == "echo: back"
    # The servers of the dead process were stopped (their input ended with it), not orphaned.
    assert not still_running(old_servers)
    assert len(told) == 2

"""One configured MCP server as a tool source: started in the background with the conversation,
its tools registered when it has listed them (and its prompts kept, for the service to offer as
slash commands), stopped with the conversation.

The session with the server runs in the MCP client process (`host`), where the `mcp` SDK
lives; this source is its stand-in in vibe's process. A stdio server is spawned here, confined
like a command, and its pipes handed to that process. The source registers what the server
offers, under names the model can use, and turns what happens to the server into its state
and one notice.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import re
from pathlib import Path
from typing import Any, cast

from vibe.config.mcp_servers import McpServer
from vibe.sandbox.base import Sandbox
from vibe.tools.base import ToolError, ToolRegistry, ToolSource
from vibe.tools.mcp.endpoint import Endpoint
from vibe.tools.mcp.failure_text import describe
from vibe.tools.mcp.host_client import HostCallError, McpHost, acquire_host
from vibe.tools.mcp.launch import StdioLaunch, confined_launch
from vibe.tools.mcp.schema import UnusableToolError, normalise_schema, tool_name
from vibe.tools.mcp.server_process import ServerProcess, spawn_server
from vibe.tools.mcp.tool import McpCallError, McpTool
from vibe.tools.source_prompts import PromptArgument, SourcePrompt
from vibe.tools.source_status import ServerStatus, SourceNotice
from vibe.unicode_text import scrub

__all__ = ["McpSource", "ServerStatus"]

log = logging.getLogger("vibe.tools.mcp")

# More tools than this from one server are left out: each costs tokens on every request.
MAX_TOOLS_PER_SERVER = 128
# Prompts cost nothing per request, but each is a slash command in completion and /help.
MAX_PROMPTS_PER_SERVER = 128
# A prompt's argument names are shown in usage hints and messages: printable words only.
_ARGUMENT_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# Seconds a stopping server has to end (the process bounds each step of it on its side).
_STOP_SECONDS = 30.0
_TEXT_CHARS = 300
# Each start of a server gets a key of its own, so a restarted server's events are never
# taken for the old one's.
_keys = itertools.count(1)


class McpSource(ToolSource):
    def __init__(
        self,
        name: str,
        server: McpServer,
        *,
        state_dir: Path,
        launch: StdioLaunch | None = None,
        default_timeout: float | None = None,
        origin: str = "config",
    ) -> None:
        """`launch`: where a stdio server runs and how it is confined (None for a `url` server)."""
        self.name = name
        self.server = server
        self._status = ServerStatus(name, server.transport, origin=origin)
        self._state_dir = state_dir
        self._launch = launch
        self._timeout = server.tool_timeout or default_timeout
        self._host: McpHost | None = None
        self._key = ""
        # A stdio server's spawn (sandbox probe, process), then its process until stopped.
        self._spawning: asyncio.Task[None] | None = None
        self._process: ServerProcess | None = None
        self._process_stop: asyncio.Future[None] | None = None
        self._sandbox: Sandbox | None = None
        self._ready = asyncio.Event()
        self._ended = asyncio.Event()
        self._registered: list[str] = []
        # The tools the server listed (registered once there is a registry to register them in).
        self._offered: list[dict[str, Any]] = []
        self._prompts: list[SourcePrompt] = []
        self._registry: ToolRegistry | None = None

    def status(self) -> ServerStatus:
        return self._status

    async def start(self, registry: ToolRegistry) -> None:
        self._registry = registry
        if not self._key:
            self.launch()
        elif self._status.state == "ready":  # it got ready before the conversation started
            self._register(registry, self._offered)

    def launch(self) -> None:
        """Starts the server now, before the conversation starts this source (a headless run's
        head start); its tools join the registry `start` gives. Needs a running event loop."""
        if self._key:
            return
        self._status.state = "starting"
        if self._host is None:
            self._host = acquire_host(self._state_dir.parent / "client-errors.log")
        self._key = f"{self.name}.{next(_keys)}"
        server = self.server
        stdio = self._launch is not None
        endpoint = Endpoint(
            transport=server.transport,
            startup_timeout=server.startup_timeout,
            falls_back_to_sse=server.falls_back_to_sse,
            url=server.url,
            headers=dict(server.headers),
            stderr_log=str(self._stderr_log) if stdio else None,
        )
        # Asked for at once: the session waits for the pipes while the server is spawned.
        self._host.start_server(self._key, self._on_event, endpoint=endpoint.to_wire(), timeout=self._timeout)
        if stdio:
            self._spawning = asyncio.create_task(self._spawn(self._host, self._key))
        else:
            self._status.confinement = "a remote server: vibe's sandbox does not apply to it"

    async def _spawn(self, host: McpHost, key: str) -> None:
        assert self._launch is not None
        try:
            confined = await asyncio.to_thread(confined_launch, self.server, self._launch)
            self._status.confinement = confined.confinement
            process = await spawn_server(confined.spec, self._stderr_log)
        except Exception as exc:  # the conversation goes on without this server
            self._fail(describe(exc, None))
            host.stop_server(key)
            return
        self._process = process
        self._sandbox = confined.sandbox  # held while the server runs: its TMPDIR goes with it
        host.hand_over_pipes(key, process.hand_over_pipes())

    @property
    def _stderr_log(self) -> Path:
        return self._state_dir / "stderr.log"

    async def restart(self) -> None:
        """Stops the server (if it runs) and starts it again; `settled` waits for the new start."""
        registry = self._registry
        if registry is None:
            raise RuntimeError(f"MCP server {self.name!r} was never started")
        await self._stop()
        host = self._host
        if host is not None and host.ended:  # the process died: the new start needs a new one
            self._host = None
            await host.release()
        self._ready, self._ended = asyncio.Event(), asyncio.Event()
        self._status = ServerStatus(self.name, self.server.transport, origin=self._status.origin)
        self._key = ""
        await self.start(registry)

    async def settled(self) -> None:
        await self._ready.wait()

    def prompts(self) -> list[SourcePrompt]:
        return list(self._prompts)

    async def get_prompt(self, name: str, arguments: dict[str, str]) -> str:
        host = self._host
        if host is None or self._status.state != "ready":
            raise ToolError(
                f"MCP server {self.name!r} is {self._status.state}" + _because(self._status.error)
            )
        try:
            text, _is_error = await host.request("prompt", self._key, name=name, arguments=arguments)
        except HostCallError as exc:
            raise ToolError(f"MCP server {self.name!r} {exc}") from exc
        return text

    def failure(self) -> str | None:
        if self._status.state != "failed":
            return None
        return f"MCP server {self.name!r} is not available: {self._status.error}"

    async def aclose(self) -> None:
        await self._stop()
        host, self._host = self._host, None
        if host is not None:
            await host.release()

    async def _stop(self) -> None:
        host = self._host
        if host is None or not self._key:
            return
        spawning, self._spawning = self._spawning, None
        if spawning is not None and not spawning.done():
            spawning.cancel()
            await asyncio.wait({spawning})
        if not self._ended.is_set():
            host.stop_server(self._key)
            try:
                await asyncio.wait_for(self._ended.wait(), _STOP_SECONDS)
            except TimeoutError:
                log.warning("MCP server %s: did not stop within %g seconds", self.name, _STOP_SECONDS)
                self._on_event({"event": "ended"})
        host.forget(self._key)
        stopping = self._reap()
        if stopping is not None:
            await stopping
        self._process_stop = None
        self._sandbox = None

    def _reap(self) -> asyncio.Future[None] | None:
        """Stops the server's process once its session has ended (its end of the pipes closed:
        the server leaves on its own, or is made to); the same future for every caller."""
        if self._process_stop is None and self._process is not None:
            process, self._process = self._process, None
            self._process_stop = asyncio.ensure_future(process.stop())
        return self._process_stop

    def _on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "progress":
            self._status.transport = str(event.get("transport", self._status.transport))
        elif kind == "ready":
            self._offered = event.get("tools") or []
            if self._registry is not None:
                self._register(self._registry, self._offered)
            self._keep_prompts(event.get("prompts") or [])
            self._status.state = "ready"
            self._ready.set()
        elif kind == "failed":
            self._fail(str(event.get("error") or "failed"))
        elif kind == "ended":
            self._reap()  # it may have died on its own: its process is reaped now, not at the end
            self._prompts = []
            if self._registry is not None:
                for name in self._registered:
                    self._registry.unregister(name)
            self._registered.clear()
            if self._status.state != "failed":
                self._status.state = "stopped"
            self._ready.set()
            self._ended.set()

    def _fail(self, error: str) -> None:
        was_ready = self._status.state == "ready"
        self._status.state = "failed"
        self._status.error = error
        log.warning("MCP server %s: %s", self.name, error)
        if was_ready:
            message = (
                f"MCP server {self.name!r} stopped: {error}; "
                f"its tools are gone until /mcp restart {self.name}"
            )
        else:
            message = f"MCP server {self.name!r} is not available: {error}"
        if self._registry is not None:
            self._registry.notify(SourceNotice(self.name, "failed", message))

    def _register(self, registry: ToolRegistry, tools: list[dict[str, Any]]) -> None:
        trusting = self.server.trust_annotations
        for offered in tools:
            remote = str(offered.get("name", ""))
            if not self.server.offers(remote):
                continue
            if len(self._registered) >= MAX_TOOLS_PER_SERVER:
                self._status.skipped.append(f"{len(tools)} tools offered; only {MAX_TOOLS_PER_SERVER} kept")
                break
            try:
                name = tool_name(self.name, remote)
                schema = normalise_schema(offered.get("input_schema"))
            except UnusableToolError as exc:
                self._status.skipped.append(str(exc))
                continue
            if registry.get(name) is not None:
                self._status.skipped.append(f"tool {remote!r}: {name} is already taken")
                continue
            registry.register(
                McpTool(
                    name=name,
                    server=self.name,
                    remote_name=remote,
                    description=_text(offered.get("description")) or _text(offered.get("title")),
                    schema=schema,
                    trusted_read_only=trusting and offered.get("read_only_hint") is True,
                    timeout=self._timeout,
                    call=self._call,
                )
            )
            self._registered.append(name)
        self._status.tools = list(self._registered)

    def _keep_prompts(self, offered: list[dict[str, Any]]) -> None:
        """The prompts whose names make a command that can be typed (`mcp__<server>__<prompt>`)."""
        kept: dict[str, SourcePrompt] = {}
        for prompt in offered[:MAX_PROMPTS_PER_SERVER]:
            remote = str(prompt.get("name", ""))
            try:
                command = tool_name(self.name, remote).lower()
            except UnusableToolError as exc:
                self._status.skipped.append(str(exc).replace("tool", "prompt", 1))
                continue
            if command in kept:
                self._status.skipped.append(f"prompt {remote!r}: another prompt is also /{command}")
                continue
            # Shaped by the client process (its `_prompt_wire`), from what the SDK validated.
            arguments = cast(list[dict[str, Any]], prompt.get("arguments") or [])
            names = [str(argument.get("name", "")) for argument in arguments]
            if not all(_ARGUMENT_NAME.match(name) for name in names) or len(set(names)) != len(names):
                self._status.skipped.append(f"prompt {remote!r}: its argument names are not usable")
                continue
            description = _one_line(_text(prompt.get("description")) or _text(prompt.get("title")))
            kept[command] = SourcePrompt(
                self.name,
                remote,
                description[:_TEXT_CHARS],
                tuple(
                    PromptArgument(
                        name=name,
                        description=_one_line(_text(argument.get("description"))),
                        required=argument.get("required") is True,
                    )
                    for name, argument in zip(names, arguments, strict=True)
                ),
            )
        if len(offered) > MAX_PROMPTS_PER_SERVER:
            self._status.skipped.append(f"{len(offered)} prompts offered; only {MAX_PROMPTS_PER_SERVER} kept")
        self._prompts = list(kept.values())
        self._status.prompts = [prompt.name for prompt in self._prompts]

    async def _call(self, remote_name: str, arguments: dict[str, Any]) -> tuple[str, bool]:
        host = self._host
        if host is None or self._status.state != "ready":
            raise McpCallError(f"the server is {self._status.state}" + _because(self._status.error))
        try:
            return await host.request("call", self._key, tool=remote_name, arguments=arguments)
        except HostCallError as exc:
            raise McpCallError(str(exc)) from exc


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _one_line(text: str) -> str:
    return scrub(" ".join(text.split()))


def _because(error: str | None) -> str:
    return f" ({error})" if error else ""

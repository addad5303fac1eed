"""The editor side of ACP tests: a real SDK client driving the real `vibe acp` process.

`FakeEditor` implements the SDK's `Client` (what an editor answers: session updates, permission
requests, file reads and writes) and records everything. `run_agent_process` spawns `vibe acp`
in a temp repository against the scripted endpoint and hands back the SDK connection.

(This folder has no `__init__.py` on purpose: as a package it would be named `acp` and shadow
the SDK.)
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from acp.client.connection import ClientSideConnection
from acp.helpers import text_block
from acp.interfaces import Client
from acp.schema import (
    AgentMessageChunk,
    AllowedOutcome,
    ClientCapabilities,
    DeniedOutcome,
    FileSystemCapabilities,
    ReadTextFileResponse,
    RequestPermissionResponse,
    TextContentBlock,
    ToolCallProgress,
    ToolCallStart,
    ToolCallUpdate,
    WriteTextFileResponse,
)
from acp.stdio import spawn_agent_process

from support.vibe_process import VibeEnv

# The command the editor would run; `python -m vibe acp` is what `vibe acp` resolves to.
AGENT_COMMAND = (sys.executable, "-m", "vibe", "acp")


@dataclass
class PermissionAsked:
    session_id: str
    tool_call: ToolCallUpdate
    option_ids: list[str]
    option_names: list[str] = field(default_factory=list[str])


@dataclass
class FakeEditor:
    """Answers the agent like an editor would; `permission` picks the option (None: never answers)."""

    permission: str | None = "allow-once"
    buffers: dict[Path, str] = field(default_factory=dict[Path, str])
    updates: list[Any] = field(default_factory=list[Any])
    permissions: list[PermissionAsked] = field(default_factory=list[PermissionAsked])
    reads: list[Path] = field(default_factory=list[Path])
    writes: list[tuple[Path, str]] = field(default_factory=list[tuple[Path, str]])
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    # -- the SDK's Client interface ----------------------------------------------------------

    async def session_update(self, session_id: str, update: Any, **kwargs: Any) -> None:
        self.updates.append(update)
        self._changed.set()

    async def request_permission(
        self, session_id: str, tool_call: ToolCallUpdate, options: list[Any], **kwargs: Any
    ) -> RequestPermissionResponse:
        ids, names = [o.option_id for o in options], [o.name for o in options]
        self.permissions.append(PermissionAsked(session_id, tool_call, ids, names))
        self._changed.set()
        if self.permission is None:
            await asyncio.Event().wait()  # an editor whose user never answers; a cancel must free the turn
        if self.permission == "cancelled":
            return RequestPermissionResponse(outcome=DeniedOutcome(outcome="cancelled"))
        return RequestPermissionResponse(
            outcome=AllowedOutcome(outcome="selected", option_id=str(self.permission))
        )

    async def read_text_file(
        self, session_id: str, path: str, line: int | None = None, limit: int | None = None, **kwargs: Any
    ) -> ReadTextFileResponse:
        self.reads.append(Path(path))
        if Path(path) in self.buffers:
            return ReadTextFileResponse(content=self.buffers[Path(path)])
        return ReadTextFileResponse(content=await asyncio.to_thread(Path(path).read_text, encoding="utf-8"))

    async def write_text_file(
        self, session_id: str, path: str, content: str, **kwargs: Any
    ) -> WriteTextFileResponse:
        self.writes.append((Path(path), content))
        self.buffers[Path(path)] = content
        return WriteTextFileResponse()

    # -- what tests read ---------------------------------------------------------------------

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 20.0) -> None:
        """Until `condition()` holds, re-checked on every update or permission request."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    def of_kind(self, kind: str) -> list[Any]:
        return [u for u in self.updates if u.session_update == kind]

    def agent_text(self) -> str:
        return "".join(
            u.content.text
            for u in self.updates
            if isinstance(u, AgentMessageChunk) and isinstance(u.content, TextContentBlock)
        )

    def tool_starts(self) -> list[ToolCallStart]:
        return [u for u in self.updates if isinstance(u, ToolCallStart)]

    def tool_updates(self, call_id: str) -> list[ToolCallProgress]:
        return [u for u in self.updates if isinstance(u, ToolCallProgress) and u.tool_call_id == call_id]


def set_project_mode(vibe_env: VibeEnv, mode: str) -> None:
    """The permission mode sessions start in, as the user sets it in their own config (a
    project's `.vibe/config.toml` may only make it stricter until the folder is trusted)."""
    config = vibe_env.home / "config.toml"
    config.write_text(f'permission_mode = "{mode}"\n' + config.read_text(encoding="utf-8"), encoding="utf-8")


def capabilities(fs: bool = False) -> ClientCapabilities:
    return ClientCapabilities(fs=FileSystemCapabilities(read_text_file=fs, write_text_file=fs))


def prompt_blocks(text: str) -> list[Any]:
    return [text_block(text)]


@contextlib.asynccontextmanager
async def run_agent_process(
    vibe_env: VibeEnv, editor: FakeEditor, *, fs: bool = False, initialize: bool = True
) -> AsyncGenerator[tuple[ClientSideConnection, asyncio.subprocess.Process]]:
    # cast: an editor without terminals; the SDK answers "method not found" for those.
    client = cast(Client, editor)
    async with spawn_agent_process(client, *AGENT_COMMAND, env=vibe_env.env(), cwd=vibe_env.repo) as (
        conn,
        process,
    ):
        if initialize:
            await conn.initialize(protocol_version=1, client_capabilities=capabilities(fs))
        yield conn, process

"""A stdio MCP server spawned through vibe's sandbox.

The SDK's own `stdio_client` spawns the command itself, which cannot apply a sandbox that works
between fork and exec (Landlock's `preexec`), so the server is spawned here from the sandbox's
`SpawnSpec` and its pipes are bridged to the SDK's message streams the same way: one JSON-RPC
message per line. The server is spawned before the SDK has loaded (`sdk_loaded`): loading it
takes about a second, which then overlaps the server's own start instead of adding to it.
Stopping follows the MCP shutdown order (close stdin, wait, then stop the
process group and any strays carrying the run's marker), bounded, and shielded from cancellation
so that no server outlives the conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import anyio

from vibe.sandbox.base import Sandbox, SpawnSpec
from vibe.sandbox.process import finish_spec, stop_group
from vibe.sandbox.reaper import stop_marked

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from mcp.client._transport import TransportStreams

__all__ = ["ConfinedLaunch"]

log = logging.getLogger("vibe.tools.mcp")

# Seconds a server has to exit on its own once its stdin is closed, then to obey SIGTERM.
EXIT_GRACE_SECONDS = 2.0
# A single message longer than this is refused: a server could otherwise fill vibe's memory.
MAX_LINE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ConfinedLaunch:
    """How to start one stdio server inside the sandbox."""

    spec: SpawnSpec
    # One sentence on the confinement, for `vibe mcp list` and /status.
    confinement: str
    # Held for the server's whole life: the sandbox's private TMPDIR goes with it.
    sandbox: Sandbox


@contextlib.asynccontextmanager
async def confined_stdio(
    spec: SpawnSpec, stderr_log: Path, sdk_loaded: Awaitable[object], exited: asyncio.Event | None = None
) -> AsyncGenerator[TransportStreams, None]:
    """The server `spec` describes, running, as the SDK's (read, write) streams. `exited` is set
    when the server's output ends (it exited or closed stdout), so its owner notices at once
    rather than at the next call."""
    stderr_log.parent.mkdir(parents=True, exist_ok=True)
    try:
        with stderr_log.open("ab") as errors:
            process = await asyncio.create_subprocess_exec(
                *spec.argv,
                cwd=spec.cwd,
                env=dict(spec.env) if spec.env is not None else None,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=errors,
                preexec_fn=spec.preexec,
                start_new_session=True,
                limit=MAX_LINE_BYTES,
            )
    except BaseException:
        finish_spec(spec)  # nothing started; what the sandbox prepared for it is undone all the same
        raise
    try:
        await sdk_loaded
    except BaseException:
        with anyio.CancelScope(shield=True):
            await _stop(process, spec)
        raise
    import mcp_types
    from mcp.shared.message import SessionMessage

    to_session, read_stream = anyio.create_memory_object_stream[SessionMessage | Exception](0)
    write_stream, from_session = anyio.create_memory_object_stream[SessionMessage](0)

    async def read_stdout() -> None:
        assert process.stdout is not None
        async with to_session:
            while True:
                try:
                    line = await process.stdout.readline()
                except ValueError as exc:  # a line over MAX_LINE_BYTES: the stream is unusable
                    await to_session.send(exc)
                    return
                if not line:
                    if exited is not None:
                        exited.set()
                    return
                if not line.strip():
                    continue
                try:
                    message = mcp_types.jsonrpc_message_adapter.validate_json(line, by_name=False)
                except ValueError as exc:
                    await to_session.send(exc)
                    continue
                await to_session.send(SessionMessage(message))

    async def write_stdin() -> None:
        assert process.stdin is not None
        async with from_session:
            async for outgoing in from_session:
                data = outgoing.message.model_dump_json(by_alias=True, exclude_unset=True)
                process.stdin.write(data.encode() + b"\n")
                try:
                    await process.stdin.drain()
                except (BrokenPipeError, ConnectionResetError):
                    return

    try:
        async with anyio.create_task_group() as pipes:
            pipes.start_soon(read_stdout)
            pipes.start_soon(write_stdin)
            try:
                yield read_stream, write_stream
            finally:
                pipes.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await _stop(process, spec)
            for stream in (read_stream, write_stream, to_session, from_session):
                await stream.aclose()


async def _stop(process: asyncio.subprocess.Process, spec: SpawnSpec) -> None:
    if process.stdin is not None:
        process.stdin.close()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), EXIT_GRACE_SECONDS)
    # The whole group, whether or not the server itself exited: what it started goes with it.
    await stop_group(process.pid, EXIT_GRACE_SECONDS)
    if spec.run_marker is not None:
        await stop_marked(spec.run_marker, EXIT_GRACE_SECONDS)
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        # Bounded: on some Pythons wait() also waits for the pipes, which a survivor could hold.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), EXIT_GRACE_SECONDS)
    for note in finish_spec(spec):
        log.warning("MCP server: %s", note)

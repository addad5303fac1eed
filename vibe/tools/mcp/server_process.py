"""A stdio MCP server's process: spawned by vibe inside its sandbox, stopped by vibe.

The SDK's own `stdio_client` spawns the command itself, which cannot apply a sandbox that works
between fork and exec (Landlock's `preexec`), so vibe spawns the server from the sandbox's
`SpawnSpec`, in its own process where every other confined process is made (the sandbox's
books on mount points are kept there). The session runs in the MCP client process, which is
handed the ends of the server's pipes (`pipes`); vibe keeps none, so that the server sees its
input end when the session ends. Stopping follows the MCP shutdown order (input closed, a wait,
then the process group and any strays carrying the run's marker), bounded, and shielded from
cancellation so that no server outlives the conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from vibe.sandbox.base import SpawnSpec
from vibe.sandbox.process import finish_spec, stop_group
from vibe.sandbox.reaper import stop_marked

__all__ = ["ServerProcess", "spawn_server"]

log = logging.getLogger("vibe.tools.mcp")

# Seconds a server has to exit on its own once its stdin is closed, then to obey SIGTERM.
EXIT_GRACE_SECONDS = 2.0
# Stops under way, kept referenced until done (a cancelled caller no longer holds them).
_STOPPING: set[asyncio.Future[None]] = set()


@dataclass(slots=True)
class ServerProcess:
    process: asyncio.subprocess.Process
    spec: SpawnSpec
    # (read end of its stdout, write end of its stdin), until handed to the client process.
    pipes: tuple[int, int] | None

    def hand_over_pipes(self) -> tuple[int, int]:
        """The pipe ends, now the caller's to close (vibe keeps no copy)."""
        assert self.pipes is not None, "the pipes were handed over already"
        pipes, self.pipes = self.pipes, None
        return pipes

    async def stop(self) -> None:
        """Waits for the server to leave on its own (its input has ended), then stops its group
        and strays; bounded, and carried through even if the caller is cancelled meanwhile."""
        stopping = asyncio.ensure_future(self._stop())
        _STOPPING.add(stopping)
        stopping.add_done_callback(_STOPPING.discard)
        await asyncio.shield(stopping)

    async def _stop(self) -> None:
        self._close_pipes()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.process.wait(), EXIT_GRACE_SECONDS)
        # The whole group, whether or not the server itself exited: what it started goes too.
        await stop_group(self.process.pid, EXIT_GRACE_SECONDS)
        if self.spec.run_marker is not None:
            await stop_marked(self.spec.run_marker, EXIT_GRACE_SECONDS)
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), EXIT_GRACE_SECONDS)
        for note in finish_spec(self.spec):
            log.warning("MCP server: %s", note)

    def _close_pipes(self) -> None:
        pipes, self.pipes = self.pipes, None
        for fd in pipes or ():
            with contextlib.suppress(OSError):
                os.close(fd)


async def spawn_server(spec: SpawnSpec, stderr_log: Path) -> ServerProcess:
    """The server `spec` describes, running, its stderr appended to `stderr_log`."""
    stderr_log.parent.mkdir(parents=True, exist_ok=True)
    to_server, server_input = os.pipe()[::-1]
    server_output, from_server = os.pipe()
    try:
        with stderr_log.open("ab") as errors:
            process = await asyncio.create_subprocess_exec(
                *spec.argv,
                cwd=spec.cwd,
                env=dict(spec.env) if spec.env is not None else None,
                stdin=server_input,
                stdout=from_server,
                stderr=errors,
                preexec_fn=spec.preexec,
                start_new_session=True,
            )
    except BaseException:
        for fd in (to_server, server_output):
            os.close(fd)
        finish_spec(spec)  # nothing started; what the sandbox prepared for it is undone all the same
        raise
    finally:
        for fd in (server_input, from_server):  # the server's own ends
            os.close(fd)
    return ServerProcess(process, spec, (server_output, to_server))

"""A search process (ripgrep, or the Python search worker) that can never outlive its call.

Searches run outside vibe's own process so that stopping one is immediate and certain: a thread
cannot be interrupted inside a regular-expression match, a process can be killed. Each one:

- runs through the sandbox's `wrap`, like every process vibe starts;
- gets its own session, so its whole group (a bubblewrap wrapper, bwrap, the searcher) is
  stopped together when the call ends, fails, times out or is cancelled, and processes that
  left the group are found by the sandbox's run marker;
- is told by the kernel to die if vibe dies first (PR_SET_PDEATHSIG on Linux), so even a
  `kill -9` of vibe leaves no search running;
- has stderr drained continuously: a searcher reporting thousands of unreadable folders would
  otherwise fill the pipe and block forever.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from vibe.sandbox.base import SpawnSpec
from vibe.sandbox.lifeline import dies_with_vibe
from vibe.sandbox.process import finish_spec, stop_group
from vibe.sandbox.reaper import stop_marked

# SIGTERM stops ripgrep and Python at once; the grace only matters for the bubblewrap wrapper,
# which removes its mount points after its child has gone.
_STOP_GRACE_SECONDS = 1.0
_STDERR_KEPT_BYTES = 64 * 1024
_READ_SIZE = 256 * 1024


@dataclass(slots=True)
class Finished:
    code: int
    stderr: str  # its first 64 KB


@dataclass(slots=True)
class SearchProcess:
    process: asyncio.subprocess.Process
    _stderr: bytearray = field(default_factory=bytearray)
    _drain: asyncio.Future[None] | None = None

    @property
    def stdout(self) -> asyncio.StreamReader:
        assert self.process.stdout is not None
        return self.process.stdout

    async def read_all(self) -> bytes:
        """All of stdout, read in large chunks (the output of a count can be megabytes)."""
        chunks: list[bytes] = []
        while chunk := await self.stdout.read(_READ_SIZE):
            chunks.append(chunk)
        return b"".join(chunks)

    async def finish(self) -> Finished:
        """Wait for the exit, and for stderr to be read to its end: an exit code read before
        the error message that explains it would be misread (ripgrep's 1 means "no match")."""
        code = await self.process.wait()
        if self._drain is not None:
            await self._drain
        return Finished(code, self._stderr.decode("utf-8", errors="replace"))


@asynccontextmanager
async def search_process(spec: SpawnSpec, *, line_limit: int = 2**16) -> AsyncGenerator[SearchProcess]:
    """Start `spec`; on leaving the block, however it is left, nothing it started still runs.

    `line_limit`: the longest stdout line `readline` and line iteration accept.
    """
    process = await _spawn(spec, line_limit)
    running = SearchProcess(process)
    drain = asyncio.ensure_future(_drain_stderr(process, running._stderr))  # pyright: ignore[reportPrivateUsage]
    running._drain = drain  # pyright: ignore[reportPrivateUsage]
    try:
        yield running
    finally:
        # Also reached on cancellation: the stop is awaited here, so the call only ends once its
        # processes have.
        await _stop(process, spec, drain)


async def _spawn(spec: SpawnSpec, line_limit: int) -> asyncio.subprocess.Process:
    """Start `spec`. A cancellation that lands while asyncio is still setting the process up
    would make asyncio kill only the direct child (a sandbox wrapper) and then wait for the
    pipes that the orphaned searcher still holds: so the start-up is shielded, and whatever it
    started is stopped here before the cancellation goes on."""
    starting = asyncio.ensure_future(
        asyncio.create_subprocess_exec(
            *spec.argv,
            cwd=spec.cwd,
            env=dict(spec.env) if spec.env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=dies_with_vibe(spec.preexec),
            limit=line_limit,
        )
    )
    try:
        return await asyncio.shield(starting)
    except asyncio.CancelledError:
        try:
            process = await starting
        except Exception:  # it did not start: nothing to stop
            finish_spec(spec)
            raise asyncio.CancelledError from None
        await _stop(process, spec, None)
        raise
    except Exception:
        finish_spec(spec)  # nothing started; the sandbox's preparations are undone all the same
        raise


async def _stop(
    process: asyncio.subprocess.Process, spec: SpawnSpec, drain: asyncio.Future[None] | None
) -> None:
    if process.returncode is None:
        await stop_group(process.pid, _STOP_GRACE_SECONDS)
    await process.wait()
    if spec.run_marker is not None:
        await stop_marked(spec.run_marker, _STOP_GRACE_SECONDS)
    # A search writes nothing; this only closes the sandbox's books on the command (the mount
    # points it made for missing protected paths).
    finish_spec(spec)
    if drain is not None:
        # Everything that could hold stderr open is gone; bounded all the same, so a process
        # that escaped every sweep cannot hold the call open.
        with suppress(TimeoutError):
            await asyncio.wait_for(drain, _STOP_GRACE_SECONDS)


async def _drain_stderr(process: asyncio.subprocess.Process, kept: bytearray) -> None:
    assert process.stderr is not None
    while chunk := await process.stderr.read(_READ_SIZE):
        room = _STDERR_KEPT_BYTES - len(kept)
        if room > 0:
            kept.extend(chunk[:room])

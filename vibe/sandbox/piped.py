"""Running a confined process that is given input and answers on stdout, apart from stderr.

`run_process` serves commands whose output people and the model read as it comes (one merged,
streamed pipe, no input). A hook is a small program that is told something on stdin and answers in
JSON on stdout, with stderr kept apart for its reason: this runs such a program from a spec the
sandbox made, with the same guarantees: its own process group, everything it started stopped
when it ends, times out or is cancelled, and the spec's `finished` called once.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
from dataclasses import dataclass

from vibe.sandbox.base import SpawnSpec
from vibe.sandbox.capture import HeadTailCapture
from vibe.sandbox.process import finish_spec, group_alive, stop_group
from vibe.sandbox.reaper import stop_marked

__all__ = ["PipedOutcome", "run_piped"]

# A process that escaped the group may hold a pipe open: stop waiting for its end after this.
_DRAIN_SECONDS = 0.5
_READ_SIZE = 64 * 1024


@dataclass(frozen=True, slots=True)
class PipedOutcome:
    exit_code: int | None  # None when killed by a signal or timed out
    timed_out: bool
    stdout: str
    stderr: str
    signal: int | None = None


async def run_piped(
    spec: SpawnSpec, stdin: bytes, *, timeout: float, cap_bytes: int, kill_grace: float = 1.0
) -> PipedOutcome:
    """Run `spec` with `stdin` as its input, until it exits or `timeout` passes (then its whole
    group is killed). Raises OSError when it cannot start; cancelling stops it and re-raises."""
    try:
        process = await asyncio.create_subprocess_exec(
            *spec.argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=spec.cwd,
            env=dict(spec.env) if spec.env is not None else None,
            start_new_session=True,
            preexec_fn=spec.preexec,
        )
    except BaseException:
        finish_spec(spec)
        raise
    group = process.pid
    assert process.stdout is not None and process.stderr is not None
    readers = (
        asyncio.ensure_future(_read_capped(process.stdout, cap_bytes)),
        asyncio.ensure_future(_read_capped(process.stderr, cap_bytes)),
    )
    timed_out = False
    try:
        try:
            async with asyncio.timeout(timeout):  # a program that never reads its input too
                await _feed(process, stdin)
                await process.wait()
        except TimeoutError:
            timed_out = True
        # Whatever is left of the group (background children, a hung hook) goes now.
        if group_alive(group):
            await stop_group(group, kill_grace)
        if spec.run_marker is not None:
            await stop_marked(spec.run_marker, kill_grace)
        await process.wait()
        done, _ = await asyncio.wait(readers, timeout=_DRAIN_SECONDS)
    except BaseException:
        await stop_group(group, kill_grace)
        if spec.run_marker is not None:
            await stop_marked(spec.run_marker, kill_grace)
        raise
    finally:
        for reader in readers:
            reader.cancel()
        finish_spec(spec)
    stdout, stderr = (reader.result() if reader in done else "" for reader in readers)
    code = process.returncode
    return PipedOutcome(
        exit_code=None if timed_out or code is None or code < 0 else code,
        timed_out=timed_out,
        stdout=stdout,
        stderr=stderr,
        signal=-code if code is not None and code < 0 and not timed_out else None,
    )


async def _feed(process: asyncio.subprocess.Process, data: bytes) -> None:
    """Writes the input and closes it; a program that exits without reading it is no error."""
    assert process.stdin is not None
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        process.stdin.write(data)
        await process.stdin.drain()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        process.stdin.close()


async def _read_capped(stream: asyncio.StreamReader, cap_bytes: int) -> str:
    capture = HeadTailCapture(cap_bytes)
    while chunk := await stream.read(_READ_SIZE):
        capture.feed(chunk)
    return capture.render().text

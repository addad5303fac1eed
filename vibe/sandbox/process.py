"""Spawning, streaming and killing confined processes.

Every command runs in its own session (hence its own process group) so that the whole tree it
starts can be stopped at once: on timeout, on cancellation, and when the main process has exited
but left background children behind. stdout and stderr share one pipe, so the output keeps its
arrival order.

We own the read end of that pipe (rather than letting asyncio attach it to the process) because
a background grandchild may keep the write end open forever; owning it lets us stop reading when
we decide to, instead of when the last writer goes away.

Processes that left the group (`setsid`, daemons) are found by the run marker the sandbox put in
the command's environment and stopped too (see reaper.py).
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import os
import signal
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from vibe.sandbox.base import SpawnSpec
from vibe.sandbox.capture import HeadTailCapture
from vibe.sandbox.reaper import stop_marked

__all__ = ["ProcessOutcome", "finish_spec", "run_process", "stop_group"]

_READ_SIZE = 64 * 1024
# Live output is batched so frontends get a few sensible events per second, not one per read;
# when a command floods, the live view skips ahead (the captured result is unaffected).
_LIVE_INTERVAL_SECONDS = 0.05
_LIVE_MAX_PENDING_CHARS = 16 * 1024
_DEATH_POLL_SECONDS = 0.02
_PROC = Path("/proc")
log = logging.getLogger("vibe.sandbox")


@dataclass(frozen=True, slots=True)
class ProcessOutcome:
    exit_code: int | None  # None when the main process was killed by a signal
    signal: int | None
    timed_out: bool
    output: str  # stdout and stderr interleaved, capped head + tail with the cut stated
    omitted_bytes: int
    omitted_lines: int
    total_bytes: int
    # Processes of the group still running after the main one exited were stopped.
    background_stopped: bool
    duration_seconds: float
    # From the sandbox, once everything had ended (e.g. repository metadata renamed aside).
    notes: tuple[str, ...] = ()


async def run_process(
    spec: SpawnSpec,
    *,
    timeout: float,
    on_output: Callable[[str], None] | None,
    cap_bytes: int,
    kill_grace: float = 2.0,
    drain_seconds: float = 0.3,
) -> ProcessOutcome:
    """Run `spec` to completion (or `timeout`), streaming decoded output to `on_output`.

    Cancelling the awaiting task stops the whole process group and re-raises.
    """
    loop = asyncio.get_running_loop()
    capture = HeadTailCapture(cap_bytes)
    read_fd, write_fd = os.pipe()
    pump = _OutputPump(loop, read_fd, capture, on_output)
    try:
        process = await asyncio.create_subprocess_exec(
            *spec.argv,
            stdin=subprocess.DEVNULL,
            stdout=write_fd,
            stderr=write_fd,
            cwd=spec.cwd,
            env=dict(spec.env) if spec.env is not None else None,
            start_new_session=True,
            preexec_fn=spec.preexec,
        )
    except BaseException:
        pump.close()
        finish_spec(spec)
        raise
    finally:
        # The child holds its own copy; ours must go or the pipe never reports end-of-file.
        os.close(write_fd)

    group = process.pid  # session leader, so its pid is the group id
    started = loop.time()
    wait_task = asyncio.ensure_future(process.wait())
    timed_out = False
    background_stopped = False
    try:
        done, _ = await asyncio.wait({wait_task}, timeout=timeout)
        if not done:
            timed_out = True
            await stop_group(group, kill_grace)
            await wait_task
        drained = await pump.wait_eof(drain_seconds)
        if not timed_out and group_alive(group):
            background_stopped = await stop_group(group, kill_grace)
        # Then whatever left the group (setsid, double fork) but still carries the run marker.
        strays_stopped = await _stop_strays(spec, kill_grace)
        background_stopped = (background_stopped or strays_stopped) and not timed_out
        if not drained:
            # Killing the group closes its ends of the pipe; a process that escaped the group
            # may still hold one, and then we simply stop listening.
            await pump.wait_eof(drain_seconds)
    except BaseException:
        wait_task.cancel()
        await stop_group(group, kill_grace)
        await _stop_strays(spec, kill_grace)
        raise
    finally:
        pump.close()
        notes = finish_spec(spec)
        # Stopping the tree on a timeout or a cancel is not news for the model.
        background_stopped = (_supervisor_stopped_some(spec) and not timed_out) or background_stopped

    returncode = wait_task.result()
    captured = capture.render()
    return ProcessOutcome(
        exit_code=returncode if returncode >= 0 else None,
        signal=-returncode if returncode < 0 else None,
        timed_out=timed_out,
        output=captured.text,
        omitted_bytes=captured.omitted_bytes,
        omitted_lines=captured.omitted_lines,
        total_bytes=captured.total_bytes,
        background_stopped=background_stopped,
        duration_seconds=loop.time() - started,
        notes=notes,
    )


def _supervisor_stopped_some(spec: SpawnSpec) -> bool:
    """Whether the command's supervisor had to stop processes it left behind (and forget it)."""
    if spec.report is None:
        return False
    try:
        spec.report.unlink()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return True


def finish_spec(spec: SpawnSpec) -> tuple[str, ...]:
    """Run the spec's `finished` (once everything it started has ended). A failure there must
    not pass silently: it becomes a note, for the model and the user."""
    if spec.finished is None:
        return ()
    try:
        return spec.finished()
    except Exception as exc:  # a bug in the check must not turn into a crashed tool call
        log.exception("checking the workspace after a command failed")
        return (f"[vibe] WARNING: could not check what the command created in the workspace ({exc}).",)


async def _stop_strays(spec: SpawnSpec, grace: float) -> bool:
    if spec.run_marker is None:
        return False
    return await stop_marked(spec.run_marker, grace)


async def stop_group(group: int, grace: float) -> bool:
    """SIGTERM the group, give it `grace` seconds, then SIGKILL. True if anything was running."""
    if not group_alive(group) or not _signal_group(group, signal.SIGTERM):
        return False
    try:
        await _wait_group_gone(group, grace)
    finally:
        # Also reached when cancelled mid-grace: never leave the group running.
        if group_alive(group):
            _signal_group(group, signal.SIGKILL)
    await _wait_group_gone(group, 1.0)
    return True


async def _wait_group_gone(group: int, seconds: float) -> bool:
    # Polling: the kernel offers no event for the death of processes that are not our children.
    for _ in range(max(1, round(seconds / _DEATH_POLL_SECONDS))):
        if not group_alive(group):
            return True
        await asyncio.sleep(_DEATH_POLL_SECONDS)
    return not group_alive(group)


def group_alive(group: int) -> bool:
    """Whether any non-zombie process is in `group`.

    Zombies are excluded because an init that is slow to reap (common in containers) would
    otherwise make a dead group look alive for the whole grace period.
    """
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    if not _PROC.is_dir():
        return True
    return any(True for _ in _live_members(group))


def _live_members(group: int) -> Iterator[int]:
    for entry in os.scandir(_PROC):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"{entry.path}/stat", "rb") as stat_file:
                stat = stat_file.read()
        except OSError:
            continue  # exited while we looked
        # Fields after the parenthesised command name (which may itself contain spaces).
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) >= 3 and int(fields[2]) == group and fields[0] != b"Z":
            yield int(entry.name)


def _signal_group(group: int, signum: int) -> bool:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    return True


class _OutputPump:
    """Reads the merged output pipe without blocking the loop; feeds capture and live view."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        fd: int,
        capture: HeadTailCapture,
        on_output: Callable[[str], None] | None,
    ) -> None:
        self._loop = loop
        self._fd = fd
        self._capture = capture
        self._eof = asyncio.Event()
        self._closed = False
        self._live = _LiveStream(loop, on_output) if on_output is not None else None
        # Incremental, so a character split across two reads is decoded once, intact.
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        os.set_blocking(fd, False)
        loop.add_reader(fd, self._on_readable)

    def _on_readable(self) -> None:
        # One read per wake-up keeps a flooding command from starving the event loop.
        try:
            data = os.read(self._fd, _READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._loop.remove_reader(self._fd)
            self._eof.set()
            return
        self._capture.feed(data)
        if self._live is not None:
            self._live.push(self._decoder.decode(data))

    async def wait_eof(self, timeout: float) -> bool:
        try:
            await asyncio.wait_for(self._eof.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._eof.is_set():
            self._loop.remove_reader(self._fd)
        os.close(self._fd)
        if self._live is not None:
            self._live.push(self._decoder.decode(b"", final=True))
            self._live.flush()


class _LiveStream:
    """Batches decoded text for `on_output`: at most one call per interval, bounded in size."""

    def __init__(self, loop: asyncio.AbstractEventLoop, on_output: Callable[[str], None]) -> None:
        self._loop = loop
        self._on_output = on_output
        self._pending: list[str] = []
        self._pending_chars = 0
        self._skipped_chars = 0
        self._timer: asyncio.TimerHandle | None = None

    def push(self, text: str) -> None:
        if not text:
            return
        self._pending.append(text)
        self._pending_chars += len(text)
        if self._pending_chars > _LIVE_MAX_PENDING_CHARS:
            joined = "".join(self._pending)
            cut = len(joined) - _LIVE_MAX_PENDING_CHARS
            self._skipped_chars += cut
            self._pending = [joined[cut:]]
            self._pending_chars = _LIVE_MAX_PENDING_CHARS
        if self._timer is None:
            self._timer = self._loop.call_later(_LIVE_INTERVAL_SECONDS, self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        text = "".join(self._pending)
        if self._skipped_chars:
            text = f"[... {self._skipped_chars:,} characters skipped in the live view ...]\n{text}"
        self._pending = []
        self._pending_chars = 0
        self._skipped_chars = 0
        self._on_output(text)

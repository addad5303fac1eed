"""run_process and the head+tail capture, with real subprocesses."""

from __future__ import annotations

import asyncio
import fcntl
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from support.processes import (
    assert_all_dead,
    assert_no_survivors,
    new_marker,
    sleeper,
    survivors,
    wait_until_running,
)
from vibe.sandbox.base import RUN_MARKER_ENV, SpawnSpec
from vibe.sandbox.capture import HeadTailCapture, omission_marker
from vibe.sandbox.process import run_process
from vibe.sandbox.tmpdir import sweep_leftovers

CAP = 30_000


def shell(command: str, cwd: Path) -> SpawnSpec:
    return SpawnSpec(argv=["/bin/bash", "-c", command], cwd=cwd)


def restrictive_umask() -> None:
    os.umask(0o077)


def open_descriptors() -> int:
    return len(list(Path("/proc/self/fd").iterdir()))


async def test_exit_code_and_interleaved_stderr(tmp_path: Path) -> None:
    outcome = await run_process(
        shell("echo one; echo two >&2; echo three; exit 4", tmp_path),
        timeout=10,
        on_output=None,
        cap_bytes=CAP,
    )
    assert outcome.exit_code == 4
    assert outcome.signal is None
    assert not outcome.timed_out
    assert outcome.output == "one\ntwo\nthree\n"


async def test_runs_in_cwd_with_env_and_preexec(tmp_path: Path) -> None:
    spec = SpawnSpec(
        argv=["/bin/bash", "-c", 'pwd; echo "$GREETING"; umask'],
        cwd=tmp_path,
        env={"GREETING": "hello", "PATH": os.environ["PATH"]},
        preexec=restrictive_umask,
    )
    outcome = await run_process(spec, timeout=10, on_output=None, cap_bytes=CAP)
    assert outcome.output.splitlines() == [str(tmp_path), "hello", "0077"]


async def test_stdin_is_empty(tmp_path: Path) -> None:
    outcome = await run_process(shell("cat; echo done", tmp_path), timeout=10, on_output=None, cap_bytes=CAP)
    assert outcome.output == "done\n"


async def test_signal_reported(tmp_path: Path) -> None:
    outcome = await run_process(shell("kill -9 $$", tmp_path), timeout=10, on_output=None, cap_bytes=CAP)
    assert outcome.exit_code is None
    assert outcome.signal == 9


async def test_timeout_kills_the_whole_group_even_if_sigterm_is_ignored(tmp_path: Path) -> None:
    marker = new_marker()
    command = f"trap '' TERM; {sleeper(marker)} & {sleeper(marker)}; echo unreachable"
    started = time.monotonic()
    outcome = await run_process(
        shell(command, tmp_path), timeout=1, on_output=None, cap_bytes=CAP, kill_grace=0.5
    )
    assert outcome.timed_out
    assert outcome.exit_code is None
    assert "unreachable" not in outcome.output
    assert time.monotonic() - started < 10
    await assert_all_dead(marker)


@pytest.mark.parametrize(
    "template",
    [
        "{sleeper} & echo hi",  # background job inherits stdout
        "({sleeper} &); echo hi",  # double fork: not even a job of the shell
        "{sleeper} >/dev/null 2>&1 & echo hi",  # does not hold the pipe, but still left behind
    ],
)
async def test_background_children_do_not_hang_and_are_stopped(tmp_path: Path, template: str) -> None:
    marker = new_marker()
    command = template.format(sleeper=sleeper(marker))
    outcome = await run_process(shell(command, tmp_path), timeout=30, on_output=None, cap_bytes=CAP)
    assert outcome.exit_code == 0
    assert outcome.output == "hi\n"
    assert outcome.background_stopped
    assert outcome.duration_seconds < 10
    await assert_all_dead(marker)


async def test_no_background_note_for_plain_commands(tmp_path: Path) -> None:
    outcome = await run_process(shell("echo plain", tmp_path), timeout=10, on_output=None, cap_bytes=CAP)
    assert not outcome.background_stopped


async def test_cancellation_kills_the_group_and_propagates(tmp_path: Path) -> None:
    marker = new_marker()
    ready = asyncio.Event()

    def on_output(text: str) -> None:
        if "ready" in text:
            ready.set()

    command = f"{sleeper(marker)} & echo ready; {sleeper(marker)}"
    task = asyncio.create_task(
        run_process(shell(command, tmp_path), timeout=60, on_output=on_output, cap_bytes=CAP)
    )
    await asyncio.wait_for(ready.wait(), 10)
    assert len(survivors(marker)) >= 2
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await assert_all_dead(marker)


async def test_huge_output_is_capped_head_and_tail_in_bounded_memory(tmp_path: Path) -> None:
    emitted: list[str] = []
    tracemalloc.start()
    try:
        outcome = await run_process(
            shell("yes | head -c 10000000", tmp_path), timeout=30, on_output=emitted.append, cap_bytes=CAP
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outcome.exit_code == 0
    assert outcome.total_bytes == 10_000_000
    assert len(outcome.output) < CAP + 200
    marker = omission_marker(outcome.omitted_bytes, outcome.omitted_lines)
    head, tail = outcome.output.split(f"{marker}\n")
    assert head.startswith("y\ny\n") and tail.endswith("y\ny\n")
    # Everything not shown is accounted for, byte for byte and line for line.
    assert len(head) + len(tail) + outcome.omitted_bytes == 10_000_000
    assert head.count("\n") + tail.count("\n") + outcome.omitted_lines == 5_000_000
    assert peak < 3_000_000
    # The live view is throttled too: frontends are not sent 10 MB.
    assert 0 < sum(len(chunk) for chunk in emitted) < 2_000_000


async def test_character_split_between_reads_decodes_cleanly(tmp_path: Path) -> None:
    fifo = tmp_path / "go"
    os.mkfifo(fifo)
    # The child writes "start" plus the first byte of "é", then blocks until we open the FIFO,
    # so the second byte is guaranteed to arrive in a later read.
    script = (
        "import sys; out = sys.stdout.buffer; out.write(b'start\\xc3'); out.flush(); "
        f"open({str(fifo)!r}).read(); out.write(b'\\xa9 end'); out.flush()"
    )
    started = asyncio.Event()
    emitted: list[str] = []

    def on_output(text: str) -> None:
        emitted.append(text)
        started.set()

    def release() -> None:
        with open(fifo, "w") as handle:
            handle.write("go")

    spec = SpawnSpec(argv=[sys.executable, "-c", script], cwd=tmp_path)
    task = asyncio.create_task(run_process(spec, timeout=30, on_output=on_output, cap_bytes=CAP))
    await asyncio.wait_for(started.wait(), 10)
    assert emitted == ["start"]  # the dangling half character is held back, not garbled
    await asyncio.to_thread(release)
    outcome = await task
    assert outcome.output == "starté end"
    assert "".join(emitted) == "starté end"


async def test_spawn_failure_raises_and_leaks_no_descriptor(tmp_path: Path) -> None:
    before = open_descriptors()
    with pytest.raises(FileNotFoundError):
        await run_process(
            SpawnSpec(argv=[str(tmp_path / "missing")], cwd=tmp_path),
            timeout=5,
            on_output=None,
            cap_bytes=CAP,
        )
    assert open_descriptors() == before


def test_capture_keeps_everything_under_the_cap() -> None:
    capture = HeadTailCapture(100)
    for byte in "héllo wörld\n".encode():
        capture.feed(bytes([byte]))
    rendered = capture.render()
    assert rendered.text == "héllo wörld\n"
    assert rendered.omitted_bytes == 0


def test_capture_cut_never_splits_a_character() -> None:
    capture = HeadTailCapture(101)
    capture.feed("é".encode() * 500)
    rendered = capture.render()
    head, tail = rendered.text.split("\n", 1)[0], rendered.text.rsplit("\n", 1)[1]
    assert "\ufffd" not in rendered.text
    assert set(head.split("[")[0]) == {"é"} and set(tail) == {"é"}
    kept = len(head.split("[")[0].encode()) + len(tail.encode())
    assert kept + rendered.omitted_bytes == 1000


def test_capture_aligns_cuts_to_lines_and_counts_them() -> None:
    capture = HeadTailCapture(40)
    capture.feed(b"".join(f"line {n:02}\n".encode() for n in range(50)))
    rendered = capture.render()
    lines = rendered.text.splitlines()
    assert lines[0] == "line 00"
    assert lines[-1] == "line 49"
    shown = [line for line in lines if line.startswith("line")]
    assert len(shown) + rendered.omitted_lines == 50
    assert rendered.text.count("omitted") == 1


def test_scratch_folders_of_dead_vibe_processes_are_swept(tmp_path: Path) -> None:
    gone = subprocess.Popen(["true"])
    gone.wait()
    dead = tmp_path / f"vibe-sandbox-{gone.pid}-abc"
    live = tmp_path / f"vibe-sandbox-{os.getpid()}-def"
    other = tmp_path / "vibe-sandbox-legacy"
    for folder in (dead, live, other):
        (folder / "tmp").mkdir(parents=True)
    assert sweep_leftovers(tmp_path) == [dead]
    assert not dead.exists() and live.exists() and other.exists()


async def test_confined_processes_of_a_dead_vibe_are_killed_with_its_scratch_folder(tmp_path: Path) -> None:
    # What a vibe killed in the instant bubblewrap starts leaves: a sandbox not tied to it.
    gone = await asyncio.create_subprocess_exec("true")
    await gone.wait()
    dead = tmp_path / f"vibe-sandbox-{gone.pid}-abc"
    # The pid is gone but the lock is held: a live vibe, seen from another PID namespace.
    held = tmp_path / f"vibe-sandbox-{gone.pid}-def"
    for folder in (dead, held):
        (folder / "tmp").mkdir(parents=True)
    lock = os.open(held / "owner.lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(lock, fcntl.LOCK_EX)
    orphan, kept = new_marker(), new_marker()
    started = [
        await asyncio.create_subprocess_shell(
            f"exec {sleeper(marker)}",
            env={**os.environ, "TMPDIR": str(folder / "tmp"), RUN_MARKER_ENV: marker},
            start_new_session=True,
        )
        for marker, folder in ((orphan, dead), (kept, held))
    ]
    try:
        for marker in (orphan, kept):
            await wait_until_running(marker)
        assert sweep_leftovers(tmp_path) == [dead]
        await assert_all_dead(orphan)
        assert survivors(kept) and held.exists()
    finally:
        os.close(lock)
        for process in started:
            if process.returncode is None:
                process.kill()
            await process.wait()
        for marker in (orphan, kept):
            assert_no_survivors(marker)

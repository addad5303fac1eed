"""Running a program with input and its stdout apart from stderr (how hooks run): through every
sandbox backend that works here, stopped whole on a timeout or a cancel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sandbox.conftest import BACKENDS, MakeSandbox
from support.processes import assert_all_dead, new_marker, sleeper, survivors, wait_until_running
from vibe.sandbox.piped import run_piped


@pytest.mark.parametrize("name", [*BACKENDS, "none"])
async def test_input_in_answer_out_and_stderr_apart(
    make_sandbox: MakeSandbox, workspace: Path, name: str
) -> None:
    sandbox = make_sandbox(name)  # held: its private folders go with it
    spec = sandbox.wrap(["/bin/sh", "-c", "tr a-z A-Z; echo oops >&2; exit 3"], workspace)
    outcome = await run_piped(spec, b'{"event": "stop"}', timeout=30, cap_bytes=1000)
    assert (outcome.exit_code, outcome.timed_out) == (3, False)
    assert outcome.stdout == '{"EVENT": "STOP"}'
    assert outcome.stderr == "oops\n"


async def test_a_program_that_never_reads_a_big_input_times_out(
    make_sandbox: MakeSandbox, workspace: Path
) -> None:
    marker = new_marker()
    sandbox = make_sandbox(BACKENDS[0] if BACKENDS else "none")
    spec = sandbox.wrap(["/bin/sh", "-c", sleeper(marker)], workspace)
    outcome = await run_piped(spec, b"x" * 1_000_000, timeout=0.5, cap_bytes=1000)
    assert outcome.timed_out and outcome.exit_code is None
    await assert_all_dead(marker)


async def test_cancelling_stops_the_program_and_what_it_started(
    tmp_path: Path, make_sandbox: MakeSandbox, workspace: Path
) -> None:
    marker = new_marker()
    command = f"{sleeper(marker)} & {sleeper(marker)}"
    spec = make_sandbox("none").wrap(["/bin/sh", "-c", command], workspace)
    task = asyncio.create_task(run_piped(spec, b"", timeout=60, cap_bytes=1000))
    await wait_until_running(marker)
    assert survivors(marker)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await assert_all_dead(marker)

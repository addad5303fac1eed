"""A reader that goes away (`vibe sandbox --status | head`) ends the command quietly: the exit
status of a process stopped by SIGPIPE, and no traceback."""

from __future__ import annotations

import os
import subprocess

import pytest

from support.vibe_process import VibeEnv


@pytest.mark.parametrize(
    "args",
    [
        ("sandbox", "--status"),
        ("trust", "--list"),
        ("policy", "check", "ls && git status"),
        ("--help",),
        ("-p", "hello"),
    ],
)
def test_a_closed_stdout_ends_without_a_traceback(vibe_env: VibeEnv, args: tuple[str, ...]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to stdout now fails with EPIPE
    try:
        completed = subprocess.run(
            vibe_env.command(*args),
            cwd=vibe_env.repo,
            env=vibe_env.env(),
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in completed.stderr, completed.stderr
    assert completed.returncode in (0, 141), (completed.returncode, completed.stderr)

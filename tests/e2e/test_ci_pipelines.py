"""`vibe -p` as CI pipelines and scripts run it: slow producers piped in, odd encodings, signals
while it is still starting, and strict consumers that parse stdout whatever happened."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def pipe_into_vibe(vibe_env: VibeEnv, producer: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`producer | vibe ARGS` through a real shell pipeline, as a CI step writes it."""
    command = f"({producer}) | {shlex.join(vibe_env.command(*args))}"
    return subprocess.run(
        command,
        shell=True,
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_slow_producer_is_read_whole(vibe_env: VibeEnv) -> None:
    # The producer's own pauses are the scenario (a `git diff` or a test run that takes a while
    # to start and then writes in bursts), not a way of synchronising with vibe.
    vibe_env.fake.script(reply("Reviewed."))
    producer = "sleep 0.5; echo 'diff part one'; sleep 0.5; echo 'diff part two'"
    completed = pipe_into_vibe(vibe_env, producer, "-p", "review this", "--output", "json")
    assert completed.returncode == 0, completed.stderr
    sent = vibe_env.fake.requests[0].last_user_text
    assert sent == "review this\n\ndiff part one\ndiff part two"
    assert "warning" not in completed.stderr


def test_a_stdin_that_stays_open_and_silent_delays_the_run_only_briefly(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("Done."))
    process = subprocess.Popen(
        vibe_env.command("-p", "go", "--output", "json"),
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        stdin=subprocess.PIPE,  # never written to, never closed until vibe has answered
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None and process.stdin is not None
    try:
        stdout = process.stdout.read()  # returns once vibe exits; a hang is caught by the timeout
        stderr = process.stderr.read()
    finally:
        process.stdin.close()
        process.wait(timeout=10)
    assert process.returncode == 0
    assert json.loads(stdout)["final_text"] == "Done."
    assert "nothing arrived on stdin" in stderr and "/dev/null" in stderr
    assert vibe_env.fake.requests[0].last_user_text == "go"


def test_prompts_that_are_not_utf8_still_run(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("one"), reply("two"), reply("three"))
    latin1 = "résumé".encode("latin-1")
    (vibe_env.repo / "task.txt").write_bytes(b"task: " + latin1)
    env = vibe_env.env()
    for args, stdin in (
        (["-p"], b"stdin: " + latin1),
        (["--prompt-file", "task.txt"], b""),
        (["-p", "text"], b"context: " + latin1),
    ):
        completed = subprocess.run(
            vibe_env.command(*args, "--output", "json"),
            cwd=vibe_env.repo,
            env=env,
            input=stdin,
            capture_output=True,
            timeout=30,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr.decode(errors="replace")
        assert b"Traceback" not in completed.stderr
    sent = [request.last_user_text for request in vibe_env.fake.requests]
    assert sent == ["stdin: r\ufffdsum\ufffd", "task: r\ufffdsum\ufffd", "text\n\ncontext: r\ufffdsum\ufffd"]


@pytest.mark.parametrize("output", ["text", "json", "stream-json"])
def test_an_ascii_only_stdout_does_not_end_the_run(vibe_env: VibeEnv, output: str) -> None:
    vibe_env.extra_env["PYTHONIOENCODING"] = "ascii"
    vibe_env.fake.script(reply(tool_calls=[call("glob", {"pattern": "*☕*"})]), reply("Café ☕ — done 🌍"))
    completed = subprocess.run(
        vibe_env.command("-p", "make coffee ☕", "--output", output),
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    if output == "text":
        assert completed.stdout == b"Caf? ? ? done ?\n"  # the terminal's encoding has no better
        return
    lines = completed.stdout.decode("utf-8").splitlines() if output == "stream-json" else [completed.stdout]
    result = json.loads(lines[-1]) if output == "stream-json" else json.loads(completed.stdout)
    assert result["final_text"] == "Café ☕ — done 🌍"  # JSON is UTF-8 whatever the locale says


def wait_until_opened_for_reading(fifo: Path) -> int:
    """Blocks until a process opens `fifo` to read it; returns our writing end."""
    opened: list[int] = []
    opener = threading.Thread(target=lambda: opened.append(os.open(fifo, os.O_WRONLY)), daemon=True)
    opener.start()
    opener.join(timeout=30)
    if not opened:  # unblock the thread before failing
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))
        opener.join(timeout=5)
        pytest.fail("vibe never read its AGENTS.md")
    return opened[0]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_starting_still_ends_with_a_result(vibe_env: VibeEnv, sig: signal.Signals) -> None:
    # vibe reads $VIBE_HOME/AGENTS.md while it builds the engine; as a named pipe it holds the
    # start-up there until the test has sent its signal.
    agents = vibe_env.home / "AGENTS.md"
    os.mkfifo(agents)
    vibe_env.fake.script(reply("never sent"))
    process = vibe_env.start("-p", "go", "--output", "stream-json")
    writer = wait_until_opened_for_reading(agents)
    process.send_signal(sig)
    os.write(writer, b"Be brief.\n")
    os.close(writer)
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    events = [json.loads(line) for line in stdout.splitlines()]
    assert (events[-1]["type"], events[-1]["status"], events[-1]["stop_reason"]) == (
        "result",
        "interrupted",
        "cancelled",
    )
    assert vibe_env.fake.requests == []


@pytest.mark.parametrize("output", ["json", "stream-json"])
def test_a_run_that_cannot_start_still_gives_a_json_result(vibe_env: VibeEnv, output: str) -> None:
    folder = vibe_env.repo / ".vibe"
    folder.mkdir()
    (folder / "config.toml").write_text("limits = 3\n", encoding="utf-8")
    bad_config = vibe_env.run("-p", "x", "--output", output)
    (folder / "config.toml").unlink()
    unknown_session = vibe_env.run("-p", "x", "--resume", "nope", "--output", output)
    for run, expected in ((bad_config, "invalid setting 'limits'"), (unknown_session, "no session 'nope'")):
        assert run.returncode == 2
        assert expected in run.stderr and "Traceback" not in run.stderr
        [line] = run.stdout.splitlines() if output == "stream-json" else [run.stdout]
        result = json.loads(line) if output == "stream-json" else json.loads(run.stdout)
        assert (result["status"], result["stop_reason"], result["error_kind"]) == ("error", "error", "config")
        assert expected in result["error"]
        if output == "stream-json":
            assert (result["type"], result["seq"]) == ("result", 1)


def test_a_text_run_that_cannot_start_prints_nothing_on_stdout(vibe_env: VibeEnv) -> None:
    run = vibe_env.run("-p", "x", "--resume", "nope")
    assert (run.returncode, run.stdout) == (2, "")
    assert "no session 'nope'" in run.stderr

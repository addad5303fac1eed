"""`kill -9` of vibe at random moments of a scripted run: what is left behind.

    python tools/bench_kill.py [--kills 50] [--seed 1]

One session, one repository. Each round starts `vibe -c -p ... --auto-approve` against a local
scripted endpoint whose model streams text slowly, edits a file, runs commands (one of them
leaves a process in the background) and reads files, then SIGKILLs vibe after a random delay
drawn over a whole run's length: during start-up, a stream, a command, or a session write.
After each kill it checks, and counts:

- processes of the killed run still alive (every command carries the round's marker in its
  argv), looked for until 2 s after the kill;
- the next `vibe -c`: it must exit 0, and the conversation it sends must be valid as a strict
  server (vLLM, Mistral) checks it: every tool call answered, in order, by one tool message,
  arguments that are JSON objects, a user message only after the system prompt or an answer.

Target (issue 16): every continuation valid, no process of a killed run left.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tools.fake_mistral import FakeMistral, RecordedRequest, Reply, call, reply

_TURNS_PER_RUN = 6


def conversation_problems(messages: list[dict[str, Any]]) -> list[str]:
    """Why a strict chat-completions server would reject `messages` (empty: it would not)."""
    problems: list[str] = []
    if not messages or messages[0].get("role") != "system":
        problems.append("the conversation does not start with the system prompt")
    waiting: list[str] = []  # call ids still to be answered, in order
    previous = "system"
    for index, message in enumerate(messages[1:], start=1):
        role = message.get("role")
        if waiting and role != "tool":
            problems.append(f"message {index} ({role}) comes before calls {waiting} were answered")
            waiting = []
        if role == "tool":
            call_id = message.get("tool_call_id")
            if not waiting or call_id != waiting[0]:
                problems.append(f"message {index} answers {call_id!r}, expected {waiting[:1]}")
            else:
                waiting.pop(0)
        elif role == "assistant":
            for tool_call in message.get("tool_calls") or []:
                function = tool_call.get("function", {})
                if not function.get("name"):
                    problems.append(f"message {index} has a call without a name")
                try:
                    arguments = json.loads(function.get("arguments", ""))
                except ValueError:
                    arguments = None
                if not isinstance(arguments, dict):
                    problems.append(f"message {index} has arguments that are not a JSON object")
                waiting.append(tool_call.get("id"))
        elif role == "user":
            if previous not in ("system", "assistant"):
                problems.append(f"message {index} (user) follows a {previous} message")
        else:
            problems.append(f"message {index} has role {role!r}")
        previous = str(role)
    if waiting:
        problems.append(f"calls {waiting} are never answered")
    if previous != "user":
        problems.append(f"the conversation ends with a {previous} message, not the user's")
    return problems


def _scripted_turn(marker: str, turn: int) -> Reply:
    """One model answer of a round: slow text, then one of the tools the session uses."""
    slow = "Working on it, step by step. " * 4
    python = f"{sys.executable} -c 'import time; time.sleep({{}})' {marker}"
    match turn % 4:
        case 0:
            return reply(slow, tool_calls=[call("bash", {"command": python.format(0.3)})], chunk_delay=0.01)
        case 1:
            body = f"value = {turn}\n" * 50
            return reply(slow, tool_calls=[call("write_file", {"path": "notes.py", "content": body})])
        case 2:
            daemon = f"({python.format(30)} &) ; echo started"
            return reply(slow, tool_calls=[call("bash", {"command": daemon})], chunk_delay=0.01)
        case _:
            return reply(slow, tool_calls=[call("read_file", {"path": "notes.py"})], chunk_delay=0.01)


def _survivors(marker: str) -> list[int]:
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if marker.encode() in cmdline and state != "Z":
                found.append(int(entry.name))
    return found


def _wait_for_no_survivors(marker: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := _survivors(marker)) and time.monotonic() < deadline:
        time.sleep(0.02)  # polling: the death of a process that is not our child has no event
    return left


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    root = Path(tempfile.mkdtemp(prefix="vibe-bench-kill-"))
    repo, home = root / "repo", root / "home"
    repo.mkdir()
    home.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "notes.py").write_text("value = 0\n")
    (home / "config.toml").write_text("[network]\nidle_timeout = 5\nmax_attempts = 2\n")
    with FakeMistral() as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
        env.update(VIBE_HOME=str(home), VIBE_BASE_URL=fake.base_url, VIBE_MODEL="devstral-test")
        command = [sys.executable, "-m", "vibe"]

        def run_round(
            marker: str, kill_after: float | None, *, first: bool = False
        ) -> tuple[float, int | None]:
            fake.script(*[_scripted_turn(marker, turn) for turn in range(_TURNS_PER_RUN)], reply("Done."))
            started = time.monotonic()
            resume = [] if first else ["-c"]
            args = [*command, *resume, "-p", f"round {marker}", "--auto-approve", "--output", "stream-json"]
            process = subprocess.Popen(
                args,
                cwd=repo,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            try:
                process.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            fake.clear_script()  # what the killed run did not consume
            return time.monotonic() - started, process.returncode

        full, code = run_round("KILLMARK-warmup", None, first=True)
        print(f"one whole run: {full:.2f} s (exit {code})")
        invalid = left_behind = failed = 0
        slowest_death = 0.0
        for round_number in range(options.kills):
            marker = f"KILLMARK-{os.getpid()}-{round_number}"
            delay = rng.uniform(0.0, full)
            run_round(marker, delay)
            killed_at = time.monotonic()
            left = _wait_for_no_survivors(marker, 2.0)
            slowest_death = max(slowest_death, time.monotonic() - killed_at) if not left else slowest_death
            if left:
                left_behind += 1
                print(f"round {round_number}: killed at {delay:.2f} s, left {len(left)} process(es)")
                for pid in left:
                    os.kill(pid, 9)
            seen = len(fake.requests)
            fake.script(reply("ok"))
            check = subprocess.run(
                [*command, "-c", "-p", "are you there", "--output", "json"],
                cwd=repo,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            requests: list[RecordedRequest] = fake.requests[seen:]
            problems = conversation_problems(requests[0].messages) if requests else ["no request was sent"]
            if check.returncode != 0:
                failed += 1
                print(f"round {round_number}: killed at {delay:.2f} s; vibe -c exit {check.returncode}")
                print("  " + check.stderr.strip().replace("\n", "\n  ")[:2000])
            if problems:
                invalid += 1
                print(f"round {round_number}: killed at {delay:.2f} s; invalid conversation: {problems[:3]}")
        print(f"kills: {options.kills}")
        print(f"continuations that failed: {failed}")
        print(f"continuations sending an invalid conversation: {invalid}")
        print(f"kills leaving a process behind: {left_behind}")
        print(f"longest wait for the killed run's processes to die: {slowest_death * 1000:.0f} ms")


if __name__ == "__main__":
    main()

"""Benchmarks for the TUI's quality bars, measured on the real `vibe` in a pseudo-terminal.

    python tools/bench_tui.py [--tokens N] [--messages N] [--mcp RUNS]

- Launch to a usable prompt: spawn → first frame with the prompt (typing works from there; text
  typed before the agent is ready is queued), and → agent ready (the status line shows the
  model). Target ≤ 0.6 s for the first.
  `--mcp RUNS` measures only these, with no MCP servers and with two, alternately (target:
  no slower with them; they start after the prompt is usable).
- Idle CPU of the vibe process over 3 s with nothing happening. Target < 1 %.
- Streaming at 2,000 tokens/s (tokens counted as characters / 4): wall time from Enter to the
  last word on screen, against the ideal and against the time the scripted server itself takes
  to deliver the same stream to a plain HTTP client (its per-chunk sleeps overshoot, so that,
  not the ideal, is what a screen that keeps up can reach), and the process's CPU share.
- A resumed 1,000-message transcript: time to ready, time to scroll to the top and back, and RSS.
  Target < 300 MB.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pexpect
import psutil

from tools.bench import ensure_bytecode
from tools.fake_mistral import FakeMistral, Step, reply
from vibe.config.paths import sessions_dir
from vibe.messages import AssistantMessage, UserMessage
from vibe.session.store import SessionStore

MODEL = "devstral-test"
READY = MODEL  # the status line names the model once the agent is open
FIRST_FRAME = "type a task"
CHARS_PER_TOKEN = 4


def setup(root: Path) -> tuple[Path, Path]:
    home, repo = root / "home", root / "repo"
    home.mkdir()
    (home / "config.toml").write_text("[network]\nidle_timeout = 30\n")
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "README.md").write_text("demo\n")
    return home, repo


def spawn(repo: Path, home: Path, base_url: str, *args: str) -> pexpect.spawn[str]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))},
        "VIBE_HOME": str(home),
        "VIBE_BASE_URL": base_url,
        "VIBE_MODEL": MODEL,
        "TERM": "xterm-256color",
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "vibe", *args],
        cwd=str(repo),
        env=env,
        dimensions=(40, 120),
        encoding="utf-8",
        timeout=60,
        maxread=1 << 20,
    )


def quit_vibe(child: pexpect.spawn[str]) -> None:
    child.sendcontrol("c")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def drain(child: pexpect.spawn[str], seconds: float) -> None:
    """Read (and drop) output for `seconds`, so the terminal never blocks the app."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            child.read_nonblocking(1 << 16, timeout=left)
        except pexpect.TIMEOUT:
            break


def server_delivery_seconds(fake: FakeMistral, step: Step) -> float:
    """How long the scripted server takes to send `step` to a client that only reads."""
    fake.script(step)
    url = urlparse(fake.base_url)
    connection = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port)
    body = json.dumps({"model": MODEL, "stream": True, "messages": [{"role": "user", "content": "hi"}]})
    started = time.perf_counter()
    connection.request("POST", f"{url.path}/chat/completions", body, {"Content-Type": "application/json"})
    response = connection.getresponse()
    while response.read1(1 << 16):
        pass
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def launch_times(with_servers: bool) -> tuple[float, float]:
    """(seconds to the first frame with the prompt, to the agent ready) for one launch, with no
    MCP servers or with two (tests/support/mcp_sh_server.sh, which start in milliseconds)."""
    with tempfile.TemporaryDirectory() as tmp, FakeMistral() as fake:
        home, repo = setup(Path(tmp))
        if with_servers:
            server = Path(__file__).resolve().parent.parent / "tests" / "support" / "mcp_sh_server.sh"
            with (home / "config.toml").open("a", encoding="utf-8") as config:
                for name in ("s0", "s1"):
                    argv = json.dumps([str(server)])
                    config.write(f'\n[mcp_servers.{name}]\ncommand = "bash"\nargs = {argv}\n')
        child, first_frame, ready = launch(repo, home, fake.base_url)
        quit_vibe(child)
    return first_frame, ready


def launch(repo: Path, home: Path, base_url: str) -> tuple[pexpect.spawn[str], float, float]:
    """A running `vibe`, with the seconds it took to show the prompt and to have its agent ready."""
    started = time.perf_counter()
    child = spawn(repo, home, base_url)
    child.expect(FIRST_FRAME)
    first_frame = time.perf_counter() - started
    child.expect(READY)
    return child, first_frame, time.perf_counter() - started


def bench_launch_with_mcp(runs: int) -> None:
    """Launch to the prompt with and without two MCP servers, alternately (target: no slower)."""
    times: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for _ in range(runs):
        for with_servers in (False, True):
            times[with_servers].append(launch_times(with_servers))
    for with_servers, label in ((False, "no MCP servers"), (True, "two MCP servers")):
        frame = statistics.median(first for first, _ in times[with_servers]) * 1000
        ready = statistics.median(second for _, second in times[with_servers]) * 1000
        print(f"{label:<16} first frame {frame:5.0f} ms, agent ready {ready:5.0f} ms (median of {runs})")


def bench_launch_idle_stream(tokens: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, FakeMistral() as fake:
        home, repo = setup(Path(tmp))
        child, first_frame, ready = launch(repo, home, fake.base_url)
        process = psutil.Process(child.pid)
        drain(child, 1.0)  # let start-up work (lazy imports, first layout) settle
        before, clock = cpu_seconds(process), time.perf_counter()
        drain(child, 3.0)
        idle_cpu = (cpu_seconds(process) - before) / (time.perf_counter() - clock) * 100

        # ~2,000 tokens/s: 5 tokens (20 characters) per chunk, 400 chunks per second.
        words = " ".join(f"w{i % 1000:03d}" for i in range(tokens * CHARS_PER_TOKEN // 5))
        text = f"{words} END-OF-STREAM"
        chunk_chars, rate = 20, 2000
        delay = chunk_chars / CHARS_PER_TOKEN / rate
        ideal = len(text) / CHARS_PER_TOKEN / rate
        server = server_delivery_seconds(fake, reply(text, chunk_size=chunk_chars, chunk_delay=delay))
        fake.script(reply(text, chunk_size=chunk_chars, chunk_delay=delay))
        before, clock = cpu_seconds(process), time.perf_counter()
        child.send("stream please\r")
        child.expect("END-OF-STREAM")
        wall = time.perf_counter() - clock
        stream_cpu = (cpu_seconds(process) - before) / wall * 100
        quit_vibe(child)
    return {
        "first_frame_s": first_frame,
        "ready_s": ready,
        "idle_cpu_pct": idle_cpu,
        "stream_tokens": len(text) / CHARS_PER_TOKEN,
        "stream_ideal_s": ideal,
        "stream_server_s": server,
        "stream_wall_s": wall,
        "stream_lag_s": wall - server,
        "stream_cpu_pct": stream_cpu,
    }


def bench_big_transcript(messages: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, FakeMistral() as fake:
        home, repo = setup(Path(tmp))
        writer = SessionStore(sessions_dir(home)).create(repo.resolve(), MODEL)
        answer = (
            "Here is **an answer** with `code` and a list:\n\n- one\n- two\n\n```python\nprint('hi')\n```\n"
        )
        for index in range(messages // 2):
            writer.append_message(UserMessage(content=f"question number {index}"))
            writer.append_message(AssistantMessage(content=f"{answer}\nanswer {index}"))
        writer.close()
        started = time.perf_counter()
        child = spawn(repo, home, fake.base_url, "--resume", writer.id)
        child.expect("resumed session")
        ready = time.perf_counter() - started
        process = psutil.Process(child.pid)
        clock = time.perf_counter()
        top = re.compile(r"question number 0\b")
        seen = ""
        pages = 0
        while not top.search(seen):  # PageUp, at a brisk typing pace, until the first message shows
            child.send("\x1b[5~")
            pages += 1
            try:
                seen = child.read_nonblocking(1 << 20, timeout=0.02)
            except pexpect.TIMEOUT:
                seen = ""
            if time.perf_counter() - clock > 120:
                raise RuntimeError("never scrolled to the top")
        scroll = time.perf_counter() - clock
        drain(child, 0.5)
        rss = process.memory_info().rss / 1e6
        quit_vibe(child)
    return {
        "transcript_messages": messages,
        "resume_ready_s": ready,
        "pages_to_top": pages,
        "scroll_to_top_s": scroll,
        "rss_mb": rss,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tokens", type=int, default=4000, help="tokens to stream (default 4000)")
    parser.add_argument("--messages", type=int, default=1000, help="transcript size (default 1000)")
    parser.add_argument(
        "--mcp", type=int, metavar="RUNS", help="only launch times, with and without MCP servers"
    )
    args = parser.parse_args()
    ensure_bytecode()
    if args.mcp:
        bench_launch_with_mcp(args.mcp)
        return 0
    figures = {**bench_launch_idle_stream(args.tokens), **bench_big_transcript(args.messages)}
    targets = {"first_frame_s": 0.6, "idle_cpu_pct": 1.0, "rss_mb": 300.0}
    for name, value in figures.items():
        target = f"   (target < {targets[name]})" if name in targets else ""
        print(f"{name:<20} {value:10.3f}{target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

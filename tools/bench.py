"""Benchmarks for the engine's targets: start-up, a one-call headless run, and prompt overhead.

    python tools/bench.py [--runs N]

- `vibe --version`: median wall time over N runs (target ≤ 60 ms).
- `vibe -p` with one model call against an instant local endpoint (the fake server in echo mode):
  median wall time (target ≤ 0.45 s) and peak RSS of the vibe process (target ≤ 80 MB).
- First request of a session: system prompt + tool schemas, in tokens counted as characters / 4
  (target ≤ 4,000).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.fake_mistral import FakeMistral


def vibe_command() -> list[str]:
    script = Path(sys.executable).with_name("vibe")
    if script.exists():
        return [str(script)]
    found = shutil.which("vibe")
    return [found] if found else [sys.executable, "-m", "vibe"]


def ensure_bytecode() -> None:
    """Byte-compile the vibe package, as pip does when it installs it. A checkout run with
    PYTHONDONTWRITEBYTECODE (common in containers) would otherwise be measured compiling its
    own source on every start."""
    import compileall

    import vibe

    compileall.compile_dir(str(Path(vibe.__file__).parent), quiet=1)


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB and exit status of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    ensure_bytecode()
    vibe = vibe_command()
    workdir = Path(tempfile.mkdtemp(prefix="vibe-bench-"))
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
    env["VIBE_HOME"] = str(workdir / ".home")

    version = [timed([*vibe, "--version"], env, workdir) for _ in range(runs)]
    print(
        f"vibe --version: median {statistics.median(t for t, _, _ in version) * 1000:.0f} ms over {runs} runs"
    )

    with FakeMistral(model="bench-model") as fake:
        run_env = {**env, "VIBE_BASE_URL": fake.base_url, "VIBE_MODEL": "bench-model"}
        headless = [timed([*vibe, "-p", "say hello"], run_env, workdir) for _ in range(runs)]
        failures = [status for _, _, status in headless if status != 0]
        if failures:
            sys.exit(f"headless runs failed with exit statuses {failures}")
        first = fake.requests[0]
    walls = [t for t, _, _ in headless]
    peaks = [rss for _, rss, _ in headless]
    print(
        f"vibe -p, one model call: median {statistics.median(walls) * 1000:.0f} ms, "
        f"max {max(walls) * 1000:.0f} ms; peak RSS median {statistics.median(peaks) / 1024:.1f} MB, "
        f"max {max(peaks) / 1024:.1f} MB over {runs} runs"
    )

    system_chars = len(first.messages[0]["content"])
    tools_chars = len(json.dumps(first.tools, ensure_ascii=False, separators=(",", ":")))
    user_chars = len(first.last_user_text or "")
    overhead = (system_chars + tools_chars) // 4
    print(
        f"first request overhead: {overhead} tokens (chars/4): system prompt {system_chars // 4}, "
        f"tool schemas {tools_chars // 4} ({len(first.tools)} tools); user prompt {user_chars // 4}"
    )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

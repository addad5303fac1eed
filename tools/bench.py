"""Benchmarks for the engine's targets: start-up, a one-call headless run, and prompt overhead.

    python tools/bench.py [--runs N] [--configured] [--vibe PATH]

`--configured` runs in a repository with everything set up (user and project config with
providers, models and rules, a trusted folder, AGENTS.md, extension files), as the start-up budget
asks; `--vibe` measures another build (e.g. the baseline's `.venv/bin/vibe`) side by side.

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


USER_CONFIG = """
[providers.lab]
base_url = "http://127.0.0.1:9/v1"
api_key_env = "LAB_KEY"

[models.lab-small]
provider = "lab"
id = "lab-small"
context_window = 32768

[permissions.tools]
write_file = "ask"

[[permissions.commands]]
pattern = "npm run *"
action = "allow"
match = ["npm run build"]
not_match = ["npm install"]

[[permissions.commands]]
pattern = "git push"
action = "deny"
"""

PROJECT_CONFIG = """
permission_mode = "accept-edits"

[sandbox]
network = false

[limits]
max_turns = 50

[[permissions.commands]]
pattern = "make *"
action = "allow"

[[permissions.commands]]
pattern = "rm -rf"
action = "deny"
"""


def configure(workdir: Path, home: Path, vibe: list[str], env: dict[str, str]) -> None:
    """Everything a real user and repository have: both config files, trust, instructions."""
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text(USER_CONFIG, encoding="utf-8")
    (home / "AGENTS.md").write_text("Prefer small commits.\n", encoding="utf-8")
    (workdir / ".vibe").mkdir()
    (workdir / ".vibe" / "config.toml").write_text(PROJECT_CONFIG, encoding="utf-8")
    skills = workdir / ".agents" / "skills" / "release"
    skills.mkdir(parents=True)
    (skills / "SKILL.md").write_text(
        "---\nname: release\ndescription: Tag and push a release.\n---\nTag and push.\n", encoding="utf-8"
    )
    (workdir / "AGENTS.md").write_text("Run make test before finishing.\n", encoding="utf-8")
    # A build without `vibe trust` ignores it (exit 2 for an unknown command is fine).
    subprocess.run([*vibe, "trust"], env=env, cwd=workdir, capture_output=True, check=False)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--configured", action="store_true", help="a fully configured, trusted repository")
    parser.add_argument("--vibe", help="the vibe executable to measure (default: this checkout's)")
    options = parser.parse_args()
    runs = options.runs
    vibe = [options.vibe] if options.vibe else vibe_command()
    if options.vibe:
        # Byte-compile that build's package, as its installer would have.
        compile_code = (
            "import compileall, pathlib, vibe; "
            "compileall.compile_dir(str(pathlib.Path(vibe.__file__).parent), quiet=1)"
        )
        python = str(Path(options.vibe).with_name("python"))
        subprocess.run([python, "-I", "-c", compile_code], capture_output=True, check=False)
    else:
        ensure_bytecode()
    workdir = Path(tempfile.mkdtemp(prefix="vibe-bench-"))
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
    env["VIBE_HOME"] = str(workdir / ".home")
    if options.configured:
        configure(workdir, workdir / ".home", vibe, env)

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

"""What 50 skills and 20 custom commands cost: start-up of a headless run and the first request.

    python tools/bench_extensions.py [--runs N]

Two VIBE_HOMEs, one bare and one with 50 skills (`$VIBE_HOME/skills/*/SKILL.md`, descriptions of
~500 characters) and 20 commands (`$VIBE_HOME/commands/*.md`, five of them namespaced), are run
alternately (`vibe -p` with one model call against the fake server in echo mode), so machine
load hits both alike. Reported:
- the median wall time of each and the difference (target: at most +20 ms);
- discovery alone, in process (find, read and check every file), median over 50 rounds;
- what the skills add to the first request, in tokens counted as characters / 4 (target ≤ 1,500).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from tools.bench import ensure_bytecode, vibe_command
from tools.fake_mistral import FakeMistral

DESCRIPTION = (
    "Use this skill when the user asks for work on the release process - changelogs, version bumps, "
    "tags, and publishing packages. It explains the conventions of the project, the checks to run first, "
    "and the order of the steps, with scripts for the tedious parts. Read it before touching any "
    "release file, even for a small fix, because the steps depend on each other in ways that are "
    "easy to get wrong and hard to take back once a tag has been pushed to the shared remote."
)


def populate(home: Path) -> None:
    for index in range(50):
        folder = home / "skills" / f"skill-{index:02d}"
        folder.mkdir(parents=True)
        (folder / "SKILL.md").write_text(
            f"---\nname: skill-{index:02d}\ndescription: {DESCRIPTION}\n---\n" + "Step.\n" * 200,
            encoding="utf-8",
        )
        (folder / "reference.md").write_text("Details.\n" * 100, encoding="utf-8")
    for index in range(20):
        name = f"git/command-{index:02d}.md" if index < 5 else f"command-{index:02d}.md"
        path = home / "commands" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"---\ndescription: Command {index}\nargument-hint: FILE\n---\nDo $1 with care.\n",
            encoding="utf-8",
        )


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system: steadier than wall time on a busy machine) and
    exit status of one run."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, os.waitstatus_to_exitcode(status)


def discovery_ms(home: Path, rounds: int = 50) -> float:
    from vibe.extensions import discover_extensions

    times: list[float] = []
    found = discover_extensions(home, None, trusted=False)
    for _ in range(rounds):
        started = time.perf_counter()
        found = discover_extensions(home, None, trusted=False)
        found.catalog(())
        times.append(time.perf_counter() - started)
    assert len(found.skills) == 50 and len(found.commands) == 20, found.broken
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    ensure_bytecode()
    vibe = vibe_command()
    workdir = Path(tempfile.mkdtemp(prefix="vibe-bench-ext-"))
    subprocess.run(["git", "init", "-q", str(workdir / "repo")], check=True)
    bare, loaded = workdir / "bare", workdir / "loaded"
    bare.mkdir()
    loaded.mkdir()
    populate(loaded)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIBE_", "MISTRAL_"))}
    walls: dict[Path, list[float]] = {bare: [], loaded: []}
    cpus: dict[Path, list[float]] = {bare: [], loaded: []}
    with FakeMistral(model="bench-model") as fake:
        for index in range(runs * 2 + 2):
            home = (bare, loaded)[index % 2]
            run_env = {
                **env,
                "VIBE_HOME": str(home),
                "VIBE_BASE_URL": fake.base_url,
                "VIBE_MODEL": "bench-model",
            }
            wall, cpu, status = timed([*vibe, "-p", "say hello"], run_env, workdir / "repo")
            if status != 0:
                raise SystemExit(f"a headless run failed with exit status {status}")
            if index >= 2:  # the first pair warms the disk cache
                walls[home].append(wall)
                cpus[home].append(cpu)
        first_bare, first_loaded = fake.requests[0], fake.requests[1]
    base, with_ext = statistics.median(walls[bare]) * 1000, statistics.median(walls[loaded]) * 1000
    print(
        f"vibe -p start-up and one call: bare median {base:.0f} ms, with 50 skills + 20 commands "
        f"{with_ext:.0f} ms: {with_ext - base:+.1f} ms over {runs} runs each (target ≤ +20 ms)"
    )
    base_cpu, ext_cpu = statistics.median(cpus[bare]) * 1000, statistics.median(cpus[loaded]) * 1000
    print(
        f"  CPU time (user + system): bare {base_cpu:.0f} ms, with them {ext_cpu:.0f} ms: "
        f"{ext_cpu - base_cpu:+.1f} ms"
    )
    print(f"discovery alone (50 skills + 20 commands, in process): median {discovery_ms(loaded):.2f} ms")
    added = len(json.dumps(first_loaded.body, ensure_ascii=False)) - len(
        json.dumps(first_bare.body, ensure_ascii=False)
    )
    print(f"first request grows by {added // 4} tokens (chars/4) with 50 skills (target ≤ 1,500)")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

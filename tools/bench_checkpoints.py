"""Checkpoints of a big workspace: the first snapshot, then one per prompt with a few files changed.

    python tools/bench_checkpoints.py [--files 10000] [--megabytes 200] [--changed 5] [--runs 5]

Builds a git repository of `--files` files totalling `--megabytes` (random bytes, spread over
nested folders, committed, as a real project is), then times with the real shadow repository:

- the first checkpoint without warming (every file is hashed then), for reference;
- the background warm-up an interactive session starts with (`vibe.checkpoints.warm`), then the
  first checkpoint after it with `--changed` files changed (target ≤ 3 s for 10,000 files /
  200 MB): the index is ready, only the changed files are read;
- a checkpoint after `--changed` files changed (target ≤ 150 ms): the persistent index means
  only the changed files are read; the median of `--runs`;
- a checkpoint with nothing changed;
- an undo of the last prompt (snapshot + restore of the changed files).

Run it with `--files 100000` for the large figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from vibe.checkpoints.shadow import ShadowRepo
from vibe.checkpoints.store import CheckpointStore
from vibe.checkpoints.undo import plan_undo, undo
from vibe.checkpoints.warm import Warmer


def build_workspace(root: Path, files: int, total_bytes: int) -> list[Path]:
    size = max(total_bytes // files, 1)
    paths: list[Path] = []
    for index in range(files):
        folder = root / f"pkg{index % 50:02d}" / f"mod{index % 1000 // 50:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"file{index:06d}.txt"
        path.write_bytes(os.urandom(size))
        paths.append(path)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "seed"], cwd=root, check=True)
    return paths


def timed(action: object) -> float:
    assert callable(action)
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def git_cpu_seconds() -> float:
    """CPU time of the git processes so far: on a shared machine, wall time also counts waiting."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--megabytes", type=int, default=200)
    parser.add_argument("--changed", type=int, default=5)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="vibe-bench-checkpoints-"))
    try:
        workspace = scratch / "ws"
        workspace.mkdir()
        print(f"building {args.files} files / {args.megabytes} MB ...", flush=True)
        paths = build_workspace(workspace, args.files, args.megabytes * 1024 * 1024)
        store = CheckpointStore(ShadowRepo.for_workspace(scratch / "home", workspace))
        cpu = git_cpu_seconds()
        first = timed(lambda: store.create("prompt", session_id="bench", prompt=0))
        cpu = git_cpu_seconds() - cpu
        print(f"first checkpoint, cold:      {first * 1000:8.0f} ms  (no warm-up)")
        print(f"  of which git's CPU time:   {cpu * 1000:8.0f} ms")
        store = CheckpointStore(ShadowRepo.for_workspace(scratch / "warmed-home", workspace))
        cpu = git_cpu_seconds()
        warmer = Warmer(store)
        warm = timed(warmer.run)
        cpu = git_cpu_seconds() - cpu
        assert warmer.finished
        print(f"background warm-up:          {warm * 1000:8.0f} ms  (at nice 10, while the user types)")
        print(f"  of which git's CPU time:   {cpu * 1000:8.0f} ms")
        for path in paths[-args.changed :]:
            path.write_bytes(os.urandom(path.stat().st_size))
        first = timed(lambda: store.create("prompt", session_id="bench", prompt=0))
        print(f"first checkpoint, warmed, {args.changed} changed: {first * 1000:5.0f} ms  (target ≤ 3000 ms)")
        per_prompt: list[float] = []
        for run in range(args.runs):
            for path in paths[run * args.changed : (run + 1) * args.changed]:
                path.write_bytes(os.urandom(path.stat().st_size))
            per_prompt.append(timed(lambda: store.create("prompt", session_id="bench")))
        median = statistics.median(per_prompt)
        print(
            f"checkpoint, {args.changed} files changed:  {median * 1000:8.0f} ms  (median; target ≤ 150 ms)"
        )
        unchanged = statistics.median(
            timed(lambda: store.create("prompt", session_id="bench")) for _ in range(3)
        )
        print(f"checkpoint, nothing changed: {unchanged * 1000:8.0f} ms")
        for path in paths[: args.changed]:
            path.write_bytes(b"changed by the prompt")
        undo_time = timed(lambda: undo(store, plan_undo(store)))
        print(f"undo of the last prompt:     {undo_time * 1000:8.0f} ms  (plan + restore point + restore)")
        print(f"checkpoint store on disk:    {store.shadow.disk_usage() / 1024 / 1024:8.1f} MB")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The git processes the tools start: stopped with everything they started when a call is
cancelled, and stopped when they produce more than any result could show."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from support.git_repos import GitWorld, call, make_world, prepare
from vibe.tools.base import Invocation
from vibe.tools.git_commit import GitCommitTool
from vibe.tools.git_history import GitShowTool
from vibe.tools.git_process import run_git


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> GitWorld:
    made = make_world(monkeypatch, tmp_path)
    made.commit("a.txt", "one\n", "first")
    return made


async def test_cancelling_a_commit_stops_git_and_the_hook_it_runs(world: GitWorld, tmp_path: Path) -> None:
    fifo = tmp_path / "hook.fifo"
    os.mkfifo(fifo)
    hooks = tmp_path / "user-hooks"
    hooks.mkdir()
    # The hook keeps the FIFO open while it lives: the reader's end of file is its death.
    (hooks / "pre-commit").write_text(f"#!/bin/sh\nexec 3>{fifo}\necho started >&3\nexec sleep 600\n")
    (hooks / "pre-commit").chmod(0o755)
    with world.global_config.open("a") as config:
        config.write(f"[core]\n\thooksPath = {hooks}\n")
    world.write("a.txt", "changed\n")
    prepared = await prepare(GitCommitTool(), world.ctx, message="Slow", all=True)
    assert isinstance(prepared, Invocation)
    opening = asyncio.create_task(asyncio.to_thread(fifo.open, "r"))  # done once the hook opened it

    async def execute() -> object:
        return await prepared.execute()

    task = asyncio.create_task(execute())
    reader = await asyncio.wait_for(opening, timeout=30)
    assert await asyncio.to_thread(reader.readline) == "started\n"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await asyncio.wait_for(asyncio.to_thread(reader.read), timeout=10) == ""
    reader.close()
    assert world.git("log", "-1", "--format=%s").strip() == "first"


async def test_output_past_the_read_limit_stops_git_and_says_so(world: GitWorld) -> None:
    out = await run_git(["cat-file", "-p", "HEAD:a.txt"], world.repo, limit=2)
    assert (out.stdout, out.cut) == ("on", True)
    world.commit("big.txt", "x" * 3_000_000 + "\n", "big")
    shown = await call(GitShowTool(), world.ctx, path="big.txt")
    assert shown.ok and len(shown.output) < 32_000 and "omitted" in shown.output


async def test_cancelling_while_staging_leaves_no_lock_and_the_index_as_it_was(
    world: GitWorld, tmp_path: Path
) -> None:
    fifo, flag = tmp_path / "filter.fifo", tmp_path / "slow-now"
    os.mkfifo(fifo)
    slow = tmp_path / "slow-clean.sh"
    # The user's own clean filter: instant while the approval is prepared, then stuck in `git add`.
    stuck = f"if [ -e {flag} ]; then exec 3>{fifo}; echo started >&3; sleep 600; fi"
    slow.write_text(f"#!/bin/sh\n{stuck}\ncat\n")
    slow.chmod(0o755)
    with world.global_config.open("a") as config:
        config.write(f'[filter "slow"]\n\tclean = {slow}\n')
    world.write(".gitattributes", "*.txt filter=slow\n")
    world.write("a.txt", "changed\n")
    prepared = await prepare(GitCommitTool(), world.ctx, message="Slow", paths=["a.txt"])
    assert isinstance(prepared, Invocation)
    flag.touch()

    async def execute() -> object:
        return await prepared.execute()

    opening = asyncio.create_task(asyncio.to_thread(fifo.open, "r"))
    task = asyncio.create_task(execute())
    reader = await asyncio.wait_for(opening, timeout=30)
    assert await asyncio.to_thread(reader.readline) == "started\n"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    reader.close()
    assert not (world.repo / ".git" / "index.lock").exists()
    assert world.git("diff", "--cached", "--name-only") == ""
    assert world.git("log", "-1", "--format=%s").strip() == "first"

"""Programs a repository's config names do not run when git runs under the sandbox (every
backend, and unconfined): fsmonitor, hooks, pagers, and a folder shaped like a bare repository.

Each plant is first shown to work with plain git, so a test fails if the attack would succeed.
"""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

import pytest

from sandbox.conftest import BACKENDS, build, run
from vibe.sandbox.base import Sandbox, SandboxPolicy
from vibe.sandbox.git_safety import SAFE_GIT_CONFIG, git_config_args, git_environment, harden_git_env

GIT_ID = ["-c", "user.email=t@example.org", "-c", "user.name=t"]


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *GIT_ID, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "f.txt").write_text("one\n")
    git(root, "add", "f.txt")
    git(root, "commit", "-qm", "init")
    (root / "f.txt").write_text("two\n")  # a change, so status and diff have work to do
    return root


def plant_program(folder: Path, name: str) -> tuple[str, Path]:
    """A program that leaves `folder/name` behind when it runs; returns (its path, the trace)."""
    trace = folder / name
    program = folder.parent / f"{name}.sh"
    program.write_text(f"#!/bin/sh\ntouch {trace}\n")
    program.chmod(0o755)
    return str(program), trace


@pytest.fixture(params=[*BACKENDS, "none"])
def sandbox(request: pytest.FixtureRequest, repo: Path) -> Sandbox:
    return build(request.param, SandboxPolicy(writable_roots=(repo,)))


async def test_a_planted_fsmonitor_does_not_run(repo: Path, sandbox: Sandbox) -> None:
    program, trace = plant_program(repo, "fsmonitor-ran")
    git(repo, "config", "core.fsmonitor", program)
    git(repo, "status")
    assert trace.exists()  # the plant works with plain git
    trace.unlink()

    outcome = await run(sandbox, "git status --short && git diff --stat", repo)
    assert outcome.exit_code == 0, outcome.output
    assert "f.txt" in outcome.output
    assert not trace.exists()


async def test_a_planted_hook_does_not_run(repo: Path, sandbox: Sandbox) -> None:
    program, trace = plant_program(repo, "hook-ran")
    hooks = repo / "hooks-elsewhere"
    hooks.mkdir()
    for folder in (repo / ".git" / "hooks", hooks):
        (folder / "pre-commit").write_text(f"#!/bin/sh\n{program}\n")
        (folder / "pre-commit").chmod(0o755)
    # Under bubblewrap the commit itself fails (.git is read-only); elsewhere it succeeds.
    await run(sandbox, "git -c user.email=t@x -c user.name=t commit -qam change", repo)
    assert not trace.exists()
    git(repo, "config", "core.hooksPath", str(hooks))
    await run(sandbox, "git -c user.email=t@x -c user.name=t commit -qam change", repo)
    assert not trace.exists()


async def test_a_folder_shaped_like_a_bare_repository_is_not_used(repo: Path, sandbox: Sandbox) -> None:
    bare = repo / "innocent"
    git(repo, "init", "-q", "--bare", str(bare))
    program, trace = plant_program(repo, "bare-ran")
    git(bare, "config", "core.fsmonitor", program)
    git(bare, "config", "core.pager", program)
    outcome = await run(sandbox, "git log -1; git rev-parse --git-dir", bare)
    assert "cannot use bare repository" in outcome.output
    assert not trace.exists()


def test_a_planted_pager_does_not_run_on_a_terminal(repo: Path) -> None:
    """Pagers only start on a terminal: run git as `vibe sandbox` would, with a pty for output."""
    program, trace = plant_program(repo, "pager-ran")
    git(repo, "config", "core.pager", program)
    git(repo, "config", "pager.log", program)
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_PAGER", "PAGER")}

    def log_on_terminal(environment: dict[str, str]) -> None:
        main, terminal = pty.openpty()
        try:
            subprocess.run(["git", "log", "-1"], cwd=repo, env=environment, stdout=terminal, check=False)
        finally:
            os.close(terminal)
            os.close(main)

    log_on_terminal(env)
    assert trace.exists()  # the plant works on a terminal with plain git
    trace.unlink()
    log_on_terminal(git_environment(env))
    assert not trace.exists()


def test_the_environment_keeps_settings_the_user_passed_and_goes_last() -> None:
    env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "user.name", "GIT_CONFIG_VALUE_0": "me"}
    harden_git_env(env)
    assert env["GIT_CONFIG_KEY_0"] == "user.name"
    assert env["GIT_CONFIG_COUNT"] == str(1 + len(SAFE_GIT_CONFIG))
    assert [env[f"GIT_CONFIG_KEY_{n}"] for n in range(1, 1 + len(SAFE_GIT_CONFIG))] == [
        key for key, _ in SAFE_GIT_CONFIG
    ]
    broken = {"GIT_CONFIG_COUNT": "many"}
    harden_git_env(broken)
    assert broken["GIT_CONFIG_COUNT"] == str(len(SAFE_GIT_CONFIG))
    mine = {"GIT_PAGER": "less"}
    harden_git_env(mine)
    assert mine["GIT_PAGER"] == "less"  # the user's own pager is not something a repository planted


def test_command_line_settings_win_over_the_repository(repo: Path) -> None:
    program, trace = plant_program(repo, "args-ran")
    git(repo, "config", "core.fsmonitor", program)
    subprocess.run(["git", *git_config_args(), "status"], cwd=repo, check=True, capture_output=True)
    assert not trace.exists()

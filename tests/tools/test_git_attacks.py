"""What a repository controls must not run in vibe's process when the git tools run: a planted
config, attributes and hooks that would leave a marker file if any of them ran. And the hooks a
user set up outside the workspace run as git runs them; workspace hooks only in the sandbox."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from support.git_repos import GitWorld, call, make_world, prepare
from vibe.sandbox.base import SandboxPolicy
from vibe.sandbox.probe import default_backends, probe_backend
from vibe.tools.base import Invocation, Tool, ToolContext
from vibe.tools.git_branch import GitBranchTool
from vibe.tools.git_commit import GitCommitTool
from vibe.tools.git_history import GitBlameTool, GitLogTool, GitShowTool
from vibe.tools.git_inspect import GitDiffTool, GitStatusTool

# Every key that names a program git would run on these commands, pointed at the marker script.
PLANTED_KEYS = (
    "core.fsmonitor",
    "core.pager",
    "pager.log",
    "pager.diff",
    "core.hooksPath",
    "diff.external",
    "diff.evil.textconv",
    "diff.evil.command",
    "filter.evil.clean",
    "filter.evil.smudge",
    "filter.evil.process",
    "gpg.program",
    "gpg.ssh.program",
    "core.editor",
)


def marker_script(folder: Path, marker: Path, exit_code: int = 0) -> Path:
    script = folder / "evil.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> {marker}\nexit {exit_code}\n')
    script.chmod(0o755)
    return script


def plant_hooks(folder: Path, marker: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("pre-commit", "prepare-commit-msg", "commit-msg", "post-commit", "post-checkout"):
        hook = folder / name
        hook.write_text(f"#!/bin/sh\necho {name} >> {marker}\n")
        hook.chmod(0o755)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> GitWorld:
    made = make_world(monkeypatch, tmp_path)
    made.commit("a.txt", "one\n", "first")
    made.commit("b.txt", "bee\n", "second")
    return made


def plant_everything(world: GitWorld, marker: Path) -> None:
    script = marker_script(world.repo.parent, marker)
    world.write(".gitattributes", "*.txt diff=evil filter=evil\n")
    for key in PLANTED_KEYS:
        world.git("config", key, str(script) if key != "core.hooksPath" else "planted-hooks")
    world.git("config", "log.showSignature", "true")
    world.git("config", "commit.gpgSign", "false")
    plant_hooks(world.repo / "planted-hooks", marker)
    plant_hooks(world.repo / ".git" / "hooks", marker)


# (tool, arguments, whether the call succeeds)
CALLS: list[tuple[Tool[Any], dict[str, Any], bool]] = [
    (GitStatusTool(), {}, True),
    (GitDiffTool(), {}, True),
    (GitDiffTool(), {"target": "staged"}, True),
    (GitDiffTool(), {"target": "HEAD~1..HEAD"}, True),
    (GitLogTool(), {"paths": ["a.txt"]}, True),
    (GitShowTool(), {}, True),
    (GitShowTool(), {"path": "a.txt"}, True),
    (GitBlameTool(), {"path": "a.txt"}, True),
    # *.txt files need the planted filter driver: refused, not stored unfiltered.
    (GitCommitTool(), {"message": "Filtered", "paths": ["a.txt", "new.txt"]}, False),
    (GitCommitTool(), {"message": "Planted", "paths": ["notes.md", ".gitattributes"]}, True),
    (GitBranchTool(), {"name": "side"}, True),
    (GitBranchTool(), {"name": "main", "create": False}, True),
]


async def test_nothing_a_planted_config_names_runs(world: GitWorld, tmp_path: Path) -> None:
    marker = tmp_path / "MARKER"
    world.write("a.txt", "one\nchanged\n")
    world.write("new.txt", "new\n")
    world.write("notes.md", "notes\n")
    plant_everything(world, marker)
    for tool, arguments, succeeds in CALLS:
        result = await call(tool, world.ctx, **arguments)
        assert result.ok == succeeds, (tool.name, result.output)
        assert not marker.exists(), (tool.name, arguments, marker.read_text())
    assert world.git("log", "-1", "--format=%s").strip() == "Planted"


async def test_files_needing_a_planted_filter_driver_are_not_committed_unfiltered(
    world: GitWorld, tmp_path: Path
) -> None:
    # git-crypt keeps its driver in .git/config: committing without it would store the secret.
    world.write(".gitattributes", "secret.env filter=crypt\n")
    world.commit(".gitattributes", "secret.env filter=crypt\n", "attributes")
    world.git("config", "filter.crypt.clean", "gpg --encrypt")
    world.write("secret.env", "TOKEN=hunter2\n")
    result = await call(GitCommitTool(), world.ctx, message="Secret", paths=["secret.env"])
    assert not result.ok
    assert result.output.startswith("these files use the filter driver 'crypt': secret.env.")
    assert "nothing was done" in result.output
    assert world.git("log", "-1", "--format=%s").strip() == "attributes"
    assert world.git("diff", "--cached") == ""


async def test_without_a_sandbox_workspace_hooks_do_not_run_and_we_say_so(
    world: GitWorld, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    plant_hooks(world.repo / ".git" / "hooks", marker)
    world.write("a.txt", "changed\n")
    prepared = await prepare(GitCommitTool(), world.ctx, message="Hooks", all=True)
    assert isinstance(prepared, Invocation) and prepared.diff is not None
    assert "Hooks pre-commit, prepare-commit-msg, commit-msg, post-commit" in prepared.diff
    assert "are NOT run: no OS sandbox confines commands here" in prepared.diff
    result = await prepared.execute()
    assert result.ok and "are NOT run" in result.output
    assert not marker.exists()


async def test_program_keys_in_a_workspace_file_included_by_the_user_config_do_not_run(
    world: GitWorld, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    script = marker_script(tmp_path, marker)
    world.write("evil.cfg", f'[filter "evil"]\n\tclean = {script}\n\tprocess = {script}\n')
    world.write(".gitattributes", "*.txt filter=evil\n")
    with world.global_config.open("a") as config:
        config.write(f"[include]\n\tpath = {world.repo / 'evil.cfg'}\n")
    world.write("a.txt", "changed\n")
    result = await call(GitCommitTool(), world.ctx, message="Included", all=True)
    assert not result.ok and f"defined in {world.repo / 'evil.cfg'}" in result.output
    status = await call(GitStatusTool(), world.ctx)
    assert status.ok and "M a.txt" in status.output
    assert not marker.exists()


async def test_hooks_and_filters_the_user_set_up_outside_the_workspace_run_as_git_runs_them(
    world: GitWorld, tmp_path: Path
) -> None:
    marker = tmp_path / "MARKER"
    hooks = tmp_path / "user-hooks"
    plant_hooks(hooks, marker)
    script = marker_script(tmp_path, tmp_path / "FILTERED")
    with world.global_config.open("a") as config:
        config.write(f'[core]\n\thooksPath = {hooks}\n[filter "mine"]\n\tclean = {script}\n')
    world.write(".gitattributes", "*.txt filter=mine\n")
    world.write("a.txt", "changed\n")
    prepared = await prepare(GitCommitTool(), world.ctx, message="Mine", all=True)
    assert isinstance(prepared, Invocation) and prepared.diff is not None
    assert f"(in {hooks}, outside the workspace) run as git runs them" in prepared.diff
    assert (await prepared.execute()).ok
    assert marker.read_text().split() == ["pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"]
    assert (tmp_path / "FILTERED").exists()


async def test_a_failing_user_hook_stops_the_commit(world: GitWorld, tmp_path: Path) -> None:
    hooks = tmp_path / "user-hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\necho 'lint failed' >&2\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    with world.global_config.open("a") as config:
        config.write(f"[core]\n\thooksPath = {hooks}\n")
    world.write("a.txt", "changed\n")
    result = await call(GitCommitTool(), world.ctx, message="Blocked", all=True)
    assert not result.ok and "lint failed" in result.output
    assert world.git("log", "-1", "--format=%s").strip() == "second"


def bubblewrapped(ctx: ToolContext) -> ToolContext:
    policy = SandboxPolicy(writable_roots=ctx.workspace.roots)
    backend = next(b for b in default_backends() if b.name == "bubblewrap")
    return replace(ctx, sandbox=probe_backend(backend, policy))


def write_hook(folder: Path, name: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"#!/bin/sh\n{body}\n")
    (folder / name).chmod(0o755)


async def test_workspace_hooks_run_confined_by_the_sandbox(world: GitWorld, tmp_path: Path) -> None:
    hooks = world.repo / ".git" / "hooks"
    outside = tmp_path / "ESCAPED"
    write_hook(hooks, "pre-commit", f"echo ran > hook-ran; touch {outside} 2>/dev/null; echo checked")
    write_hook(hooks, "commit-msg", 'printf "\\nReviewed-by: hook\\n" >> "$1"')
    write_hook(hooks, "post-commit", "echo after > post-ran")
    ctx = bubblewrapped(world.ctx)
    world.write("a.txt", "changed\n")
    prepared = await prepare(GitCommitTool(), ctx, message="Confined", all=True)
    assert isinstance(prepared, Invocation) and prepared.diff is not None
    assert "Hooks pre-commit, commit-msg, post-commit" in prepared.diff
    assert "run inside the sandbox" in prepared.diff
    result = await prepared.execute()
    assert result.ok, result.output
    assert "checked" in result.output
    assert (world.repo / "hook-ran").read_text() == "ran\n"
    assert (world.repo / "post-ran").read_text() == "after\n"
    assert not outside.exists()
    assert world.git("log", "-1", "--format=%B").strip() == "Confined\n\nReviewed-by: hook"


async def test_a_failing_workspace_hook_stops_the_commit(world: GitWorld) -> None:
    hooks = world.repo / ".git" / "hooks"
    write_hook(hooks, "pre-commit", "echo 'tests fail'; exit 3")
    ctx = bubblewrapped(world.ctx)
    world.write("a.txt", "changed\n")
    result = await call(GitCommitTool(), ctx, message="Nope", all=True)
    assert not result.ok
    assert "the pre-commit hook failed, so nothing was committed" in result.output
    assert "tests fail" in result.output and "exit code 3" in result.output
    assert world.git("log", "-1", "--format=%s").strip() == "second"


async def test_a_switch_that_would_need_a_planted_filter_driver_is_refused(world: GitWorld) -> None:
    world.commit(".gitattributes", "*.txt filter=crypt\n", "attributes")
    world.git("checkout", "-q", "-b", "other")
    world.commit("a.txt", "other side\n", "other")
    world.git("checkout", "-q", "main")
    world.git("config", "filter.crypt.smudge", "gpg --decrypt")
    result = await call(GitBranchTool(), world.ctx, name="other", create=False)
    assert not result.ok
    assert result.output.startswith("these files use the filter driver 'crypt': a.txt.")
    assert world.git("branch", "--show-current").strip() == "main"


async def test_a_planted_value_for_the_users_own_driver_gives_way_to_the_users(
    world: GitWorld, tmp_path: Path
) -> None:
    planted = marker_script(world.repo.parent, tmp_path / "MARKER")
    mine = tmp_path / "mine"
    mine.mkdir()
    users = marker_script(mine, tmp_path / "FILTERED")
    with world.global_config.open("a") as config:
        config.write(f'[filter "lfs"]\n\tclean = {users}\n')
    world.git("config", "filter.lfs.clean", str(planted))
    world.commit(".gitattributes", "*.bin filter=lfs\n", "attributes")
    world.write("data.bin", "payload\n")
    result = await call(GitCommitTool(), world.ctx, message="Data", paths=["data.bin"])
    assert result.ok, result.output
    assert (tmp_path / "FILTERED").exists() and not (tmp_path / "MARKER").exists()


async def test_a_workspace_post_checkout_hook_runs_confined_with_gits_arguments(
    world: GitWorld, tmp_path: Path
) -> None:
    before = world.git("rev-parse", "HEAD").strip()
    body = f'echo "$@" > switched; touch {tmp_path}/ESCAPED'
    write_hook(world.repo / ".git" / "hooks", "post-checkout", body)
    ctx = bubblewrapped(world.ctx)
    prepared = await prepare(GitBranchTool(), ctx, name="feature")
    assert isinstance(prepared, Invocation) and prepared.diff is not None
    assert "Hooks post-checkout" in prepared.diff and "run inside the sandbox" in prepared.diff
    result = await prepared.execute()
    assert result.ok, result.output
    assert (world.repo / "switched").read_text() == f"{before} {before} 1\n"
    assert not (tmp_path / "ESCAPED").exists()

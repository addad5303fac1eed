"""The read-only git tools against real repositories: what the model reads, and the errors it can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.git_repos import GitWorld, call, make_world
from vibe.tools.base import Tool
from vibe.tools.git_history import GitBlameTool, GitLogTool, GitShowTool
from vibe.tools.git_inspect import GitDiffTool, GitStatusTool


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> GitWorld:
    return make_world(monkeypatch, tmp_path)


async def test_status_lists_staged_unstaged_untracked_and_renames(world: GitWorld) -> None:
    world.commit("a.txt", "a\n", "first")
    world.commit("old.txt", "old\n", "second")
    world.write("a.txt", "changed\n")
    world.write("new.txt", "new\n")
    world.git("add", "new.txt")
    world.git("mv", "old.txt", "moved.txt")
    world.write("loose/file.txt", "x\n")
    result = await call(GitStatusTool(), world.ctx)
    assert result.ok
    assert result.output.splitlines() == [
        "On branch main",
        "Staged (2):",
        "  R old.txt -> moved.txt",
        "  A new.txt",
        "Not staged (1):",
        "  M a.txt",
        "Untracked (1):",
        "  loose/file.txt",
    ]


async def test_status_names_detached_head_empty_repo_and_upstream(world: GitWorld, tmp_path: Path) -> None:
    empty = await call(GitStatusTool(), world.ctx)
    assert empty.output.splitlines()[0] == "On branch main, no commits yet"
    first = world.commit("a.txt", "a\n", "first")
    world.git("checkout", "-q", "--detach")
    detached = await call(GitStatusTool(), world.ctx)
    assert detached.output.startswith(f"HEAD detached at {first[:12]}")
    world.git("checkout", "-q", "main")
    world.git("clone", "-q", str(world.repo), str(tmp_path / "clone"))
    clone = world.with_sandbox(world.ctx.sandbox)
    from vibe.tools.workspace import Workspace

    clone.workspace = Workspace.create(tmp_path / "clone")
    world.git("commit", "-q", "--allow-empty", "-m", "upstream moves", cwd=None)
    world.git("fetch", "-q", "origin", cwd=tmp_path / "clone")
    world.git("commit", "-q", "--allow-empty", "-m", "local", cwd=tmp_path / "clone")
    status = await call(GitStatusTool(), clone)
    assert status.output.splitlines()[0] == "On branch main, tracking origin/main (ahead 1, behind 1)"


async def test_status_shows_conflicts_and_the_merge_in_progress(world: GitWorld) -> None:
    world.commit("f.txt", "base\n", "base")
    world.git("checkout", "-q", "-b", "other")
    world.commit("f.txt", "theirs\n", "theirs")
    world.git("checkout", "-q", "main")
    world.commit("f.txt", "ours\n", "ours")
    world.git_may_fail("merge", "-q", "other")
    result = await call(GitStatusTool(), world.ctx)
    assert "; a merge is in progress" in result.output.splitlines()[0]
    assert "Conflicts (1):\n  UU f.txt" in result.output


async def test_diff_targets_paths_and_stat(world: GitWorld) -> None:
    first = world.commit("a.txt", "one\n", "first")
    world.commit("b.txt", "bee\n", "second")
    world.write("a.txt", "one\nworktree\n")
    world.write("b.txt", "staged\n")
    world.git("add", "b.txt")
    worktree = await call(GitDiffTool(), world.ctx)
    assert "+worktree" in worktree.output and "staged" not in worktree.output
    staged = await call(GitDiffTool(), world.ctx, target="staged")
    assert "+staged" in staged.output and "+worktree" not in staged.output
    against_ref = await call(GitDiffTool(), world.ctx, target=first, paths=["b.txt"])
    assert "+staged" in against_ref.output and "a.txt" not in against_ref.output
    ranged = await call(GitDiffTool(), world.ctx, target=f"{first}..HEAD", stat=True)
    assert ranged.output.strip().startswith("b.txt | 1 +") and "diff --git" not in ranged.output
    world.git("stash", "-q")
    assert (await call(GitDiffTool(), world.ctx)).output == "No differences (worktree)."


async def test_a_huge_diff_is_capped_with_a_hint(world: GitWorld) -> None:
    world.commit("big.txt", "", "empty")
    world.write("big.txt", "".join(f"line {n}\n" for n in range(20_000)))
    result = await call(GitDiffTool(), world.ctx)
    assert len(result.output) < 32_000
    assert "omitted" in result.output
    assert "stat=true" in result.output.splitlines()[-1]


@pytest.mark.parametrize("target", ["--output=pwned", "-p", "nosuchref", "main..--output=x"])
async def test_diff_refuses_what_is_not_a_revision(world: GitWorld, target: str, tmp_path: Path) -> None:
    world.commit("a.txt", "a\n", "first")
    result = await call(GitDiffTool(), world.ctx, target=target)
    assert not result.ok
    assert "revision" in result.output
    assert sorted(path.name for path in world.repo.iterdir()) == [".git", "a.txt"]


async def test_paths_outside_the_workspace_are_refused(world: GitWorld) -> None:
    world.commit("a.txt", "a\n", "first")
    result = await call(GitDiffTool(), world.ctx, paths=["../elsewhere"])
    assert not result.ok and "outside the workspace" in result.output


async def test_log_filters_by_path_count_grep_and_since(world: GitWorld) -> None:
    world.commit("a.txt", "1\n", "Add a")
    world.commit("b.txt", "1\n", "Add b")
    world.commit("a.txt", "2\n", "Fix a bug in a")
    log = await call(GitLogTool(), world.ctx)
    subjects = [line.split(": ", 1)[1] for line in log.output.splitlines()]
    assert subjects == ["Fix a bug in a", "Add b", "Add a"]
    assert "Test User" in log.output
    by_path = await call(GitLogTool(), world.ctx, paths=["a.txt"], max_count=1)
    assert by_path.output.endswith("Fix a bug in a") and len(by_path.output.splitlines()) == 1
    grep = await call(GitLogTool(), world.ctx, grep="^add")
    assert [line.split(": ", 1)[1] for line in grep.output.splitlines()] == ["Add b", "Add a"]
    assert (await call(GitLogTool(), world.ctx, since="2090-01-01")).output == "No commits match."
    assert len((await call(GitLogTool(), world.ctx, since="1 hour ago")).output.splitlines()) == 3
    assert (await call(GitLogTool(), world.ctx, grep="--output=x")).output == "No commits match."


async def test_show_a_commit_a_file_a_folder_and_a_binary(world: GitWorld) -> None:
    first = world.commit("src/a.py", "print(1)\n", "first")
    world.commit("src/a.py", "print(2)\n", "second")
    world.write("blob.bin", b"\x00\x01binary")
    world.git("add", "blob.bin")
    world.git("commit", "-q", "-m", "binary")
    commit = await call(GitShowTool(), world.ctx, revision=first)
    assert "    first" in commit.output and "+print(1)" in commit.output
    old = await call(GitShowTool(), world.ctx, revision=first, path="src/a.py")
    assert old.output == "print(1)\n"
    folder = await call(GitShowTool(), world.ctx, revision="HEAD", path="src")
    assert folder.output == "src is a folder at HEAD:\na.py\n"
    binary = await call(GitShowTool(), world.ctx, path="blob.bin")
    assert "binary file" in binary.output
    missing = await call(GitShowTool(), world.ctx, revision=first, path="blob.bin")
    assert not missing.ok and missing.output == f"blob.bin does not exist at {first}."


async def test_blame_a_line_range(world: GitWorld) -> None:
    world.commit("f.txt", "one\ntwo\nthree\n", "first")
    second = world.commit("f.txt", "one\nTWO\nthree\n", "second")
    result = await call(GitBlameTool(), world.ctx, path="f.txt", start_line=2, end_line=3)
    lines = result.output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(second[:7]) and lines[0].endswith(") TWO")
    past = await call(GitBlameTool(), world.ctx, path="f.txt", start_line=10)
    assert not past.ok and "3 lines" in past.output
    world.write("new.txt", "x\n")
    untracked = await call(GitBlameTool(), world.ctx, path="new.txt")
    assert not untracked.ok and "not tracked" in untracked.output


READ_CALLS: list[tuple[Tool[Any], dict[str, Any]]] = [
    (GitStatusTool(), {}),
    (GitDiffTool(), {}),
    (GitLogTool(), {}),
    (GitShowTool(), {}),
    (GitBlameTool(), {"path": "a.txt"}),
]


@pytest.mark.parametrize(("tool", "arguments"), READ_CALLS, ids=lambda v: getattr(v, "name", ""))
async def test_every_tool_says_when_there_is_no_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, tool: Tool[Any], arguments: dict[str, Any]
) -> None:
    world = make_world(monkeypatch, tmp_path)
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("a\n")
    from vibe.tools.workspace import Workspace

    world.ctx.workspace = Workspace.create(plain)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = await call(tool, world.ctx, **arguments)
    assert not result.ok
    assert "is not inside a git repository" in result.output and "git init" in result.output


@pytest.mark.parametrize(
    ("tool", "arguments"), [(GitLogTool(), {}), (GitShowTool(), {}), (GitBlameTool(), {"path": "a.txt"})]
)
async def test_history_tools_say_when_there_are_no_commits(
    world: GitWorld, tool: Tool[Any], arguments: dict[str, Any]
) -> None:
    world.write("a.txt", "a\n")
    result = await call(tool, world.ctx, **arguments)
    assert not result.ok
    assert "no commits yet" in result.output

"""git_commit and git_branch against real repositories: what the approval shows is what happens."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from support.git_repos import GitWorld, call, make_world, prepare
from vibe.tools.base import Invocation, ToolResult
from vibe.tools.git_branch import GitBranchTool
from vibe.tools.git_commit import GitCommitTool


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> GitWorld:
    made = make_world(monkeypatch, tmp_path)
    made.commit("a.txt", "one\n", "first")
    return made


def last_message(world: GitWorld) -> str:
    return world.git("log", "-1", "--format=%B").strip()


def committed_files(world: GitWorld) -> list[str]:
    return world.git("show", "--name-only", "--format=", "HEAD").split()


async def test_the_approval_shows_message_and_staged_diff_and_changes_nothing(world: GitWorld) -> None:
    world.write("a.txt", "one\ntwo\n")
    world.write("b.txt", "bee\n")
    index_before = (world.repo / ".git" / "index").read_bytes()
    objects_before = sorted((world.repo / ".git" / "objects").rglob("*"))
    prepared = await prepare(GitCommitTool(), world.ctx, message="Add two and b", paths=["a.txt", "b.txt"])
    assert isinstance(prepared, Invocation) and prepared.mutates
    assert prepared.title == "Commit to main: Add two and b"
    assert prepared.diff is not None
    assert prepared.diff.startswith("Commit to main with the message:\n\n    Add two and b\n")
    assert "+two" in prepared.diff and "+bee" in prepared.diff and "2 files changed" in prepared.diff
    # Asking stages nothing in the user's index and commits nothing.
    assert (world.repo / ".git" / "index").read_bytes() == index_before
    assert sorted((world.repo / ".git" / "objects").rglob("*")) == objects_before
    assert world.git("status", "--porcelain") == " M a.txt\n?? b.txt\n"
    result = await prepared.execute()
    assert result.ok, result.output
    assert result.output.startswith("Committed ") and "Add two and b" in result.output
    assert last_message(world) == "Add two and b"
    assert sorted(committed_files(world)) == ["a.txt", "b.txt"]
    assert world.git("status", "--porcelain") == ""


async def test_all_stages_tracked_changes_only_and_keeps_what_was_staged(world: GitWorld) -> None:
    world.commit("c.txt", "c\n", "c")
    world.write("a.txt", "changed\n")
    (world.repo / "c.txt").unlink()
    world.write("untracked.txt", "u\n")
    result = await call(GitCommitTool(), world.ctx, message="Tracked changes", all=True)
    assert result.ok, result.output
    assert sorted(committed_files(world)) == ["a.txt", "c.txt"]
    assert world.git("status", "--porcelain") == "?? untracked.txt\n"


async def test_nothing_staged_is_an_error_that_says_what_to_do(world: GitWorld) -> None:
    world.write("a.txt", "changed\n")
    result = await call(GitCommitTool(), world.ctx, message="Nothing")
    assert not result.ok
    assert "nothing to commit" in result.output and "paths" in result.output
    empty = await call(GitCommitTool(), world.ctx, message="  ", all=True)
    assert not empty.ok and "message is empty" in empty.output


async def test_files_changed_after_approval_commit_nothing(world: GitWorld) -> None:
    world.write("a.txt", "shown\n")
    prepared = await prepare(GitCommitTool(), world.ctx, message="Shown", paths=["a.txt"])
    assert isinstance(prepared, Invocation)
    world.write("a.txt", "not what was shown\n")
    result = await prepared.execute()
    assert not result.ok and "nothing was committed" in result.output
    assert last_message(world) == "first"
    assert world.git("diff", "--cached") == ""  # the user's index is as it was


async def test_co_author_trailer_only_when_set(world: GitWorld) -> None:
    world.write("a.txt", "two\n")
    await call(GitCommitTool(), world.ctx, message="Plain", all=True)
    assert last_message(world) == "Plain"
    world.write("a.txt", "three\n")
    await call(GitCommitTool("Vibe <vibe@example.com>"), world.ctx, message="With trailer", all=True)
    assert last_message(world) == "With trailer\n\nCo-authored-by: Vibe <vibe@example.com>"
    assert world.git("log", "-1", "--format=%an <%ae>").strip() == "Test User <test@example.com>"


async def test_the_first_commit_of_an_empty_repository(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    world = make_world(monkeypatch, tmp_path)
    world.write("a.txt", "a\n")
    result = await call(GitCommitTool(), world.ctx, message="Initial", paths=["a.txt"])
    assert result.ok, result.output
    assert last_message(world) == "Initial"


async def test_detached_head_is_refused(world: GitWorld) -> None:
    world.git("checkout", "-q", "--detach")
    world.write("a.txt", "x\n")
    result = await call(GitCommitTool(), world.ctx, message="Lost", all=True)
    assert not result.ok
    assert result.output.startswith("HEAD is detached") and "git_branch" in result.output


async def test_a_merge_in_progress_is_refused(world: GitWorld) -> None:
    world.git("checkout", "-q", "-b", "other")
    world.commit("a.txt", "theirs\n", "theirs")
    world.git("checkout", "-q", "main")
    world.commit("a.txt", "ours\n", "ours")
    world.git_may_fail("merge", "-q", "other")
    result = await call(GitCommitTool(), world.ctx, message="Merge", all=True)
    assert not result.ok
    assert result.output.startswith("a merge is in progress") and "git merge --continue" in result.output


async def test_a_missing_identity_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    world = make_world(monkeypatch, tmp_path, identity=False)
    world.write("a.txt", "a\n")
    result = await call(GitCommitTool(), world.ctx, message="Who", paths=["a.txt"])
    assert not result.ok
    assert "no identity" in result.output and "user.name and user.email" in result.output
    world.git("config", "user.name", "Someone")
    world.git("config", "user.email", "someone@example.com")
    assert (await call(GitCommitTool(), world.ctx, message="Who", paths=["a.txt"])).ok


async def test_paths_outside_the_workspace_or_option_like_are_safe(world: GitWorld) -> None:
    outside = await call(GitCommitTool(), world.ctx, message="x", paths=["../escape.txt"])
    assert not outside.ok and "outside the workspace" in outside.output
    world.write("--all", "odd name\n")
    odd = await call(GitCommitTool(), world.ctx, message="Odd name", paths=["--all"])
    assert odd.ok, odd.output
    assert committed_files(world) == ["--all"]


async def test_branch_create_and_switch_carries_uncommitted_changes(world: GitWorld) -> None:
    world.write("a.txt", "work in progress\n")
    prepared = await prepare(GitBranchTool(), world.ctx, name="feature")
    assert isinstance(prepared, Invocation) and prepared.mutates
    assert prepared.title.startswith("Create and switch to branch feature at HEAD")
    result = await prepared.execute()
    assert result.ok, result.output
    assert world.git("branch", "--show-current").strip() == "feature"
    assert (world.repo / "a.txt").read_text() == "work in progress\n"


async def test_branch_create_at_a_start_point_without_switching(world: GitWorld) -> None:
    first = world.git("rev-parse", "HEAD").strip()
    world.commit("a.txt", "two\n", "second")
    result = await call(GitBranchTool(), world.ctx, name="old", start_point=first, switch=False)
    assert result.ok, result.output
    assert world.git("rev-parse", "old").strip() == first
    assert world.git("branch", "--show-current").strip() == "main"


async def test_switch_is_refused_when_changes_would_be_lost(world: GitWorld) -> None:
    world.git("checkout", "-q", "-b", "other")
    world.commit("a.txt", "other\n", "other")
    world.git("checkout", "-q", "main")
    world.write("a.txt", "precious\n")
    result = await call(GitBranchTool(), world.ctx, name="other", create=False)
    assert not result.ok
    assert "would be lost" in result.output and "git_commit" in result.output
    assert (world.repo / "a.txt").read_text() == "precious\n"
    assert world.git("branch", "--show-current").strip() == "main"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": "--force"}, "not a valid branch name"),
        ({"name": "two words"}, "not a valid branch name"),
        ({"name": "main"}, "already exists"),
        ({"name": "nope", "create": False}, "there is no branch"),
        ({"name": "x", "start_point": "--output=y"}, "not a revision"),
        ({"name": "x", "create": False, "switch": False}, "nothing to do"),
    ],
)
async def test_branch_errors(world: GitWorld, arguments: dict[str, object], message: str) -> None:
    result = await call(GitBranchTool(), world.ctx, **arguments)
    assert isinstance(result, ToolResult) and not result.ok
    assert message in result.output
    assert not (world.repo / "y").exists()


async def test_a_change_that_keeps_size_and_time_is_still_seen(world: GitWorld) -> None:
    # Rewritten within the same clock tick as the index: only git's check for "racily clean"
    # entries (entry time >= index file time) sees it, so the preview's index copy keeps its time.
    world.git("config", "core.trustctime", "false")
    past = (world.repo / "a.txt").stat().st_mtime_ns - 100 * 10**9
    os.utime(world.repo / "a.txt", ns=(past, past))
    world.git("update-index", "--refresh")  # the entry now records `past`, not smudged
    world.write("a.txt", "two\n")
    os.utime(world.repo / "a.txt", ns=(past, past))
    os.utime(world.repo / ".git" / "index", ns=(past, past))
    result = await call(GitCommitTool(), world.ctx, message="Same size", all=True)
    assert result.ok, result.output
    assert world.git("show", "HEAD:a.txt") == "two\n"


async def test_a_cherry_pick_in_progress_is_refused(world: GitWorld) -> None:
    world.git("checkout", "-q", "-b", "other")
    picked = world.commit("a.txt", "theirs\n", "theirs")
    world.git("checkout", "-q", "main")
    world.commit("a.txt", "ours\n", "ours")
    assert world.git_may_fail("cherry-pick", picked).returncode != 0
    result = await call(GitCommitTool(), world.ctx, message="Pick", all=True)
    assert not result.ok and result.output.startswith("a cherry-pick is in progress")
    switch = await call(GitBranchTool(), world.ctx, name="other", create=False)
    assert not switch.ok and switch.output.startswith("a cherry-pick is in progress")


async def test_a_repository_whose_path_holds_a_colon(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The preview reads objects through GIT_ALTERNATE_OBJECT_DIRECTORIES, a ":"-separated list.
    folder = tmp_path / 'odd:"name'
    folder.mkdir()
    world = make_world(monkeypatch, folder)
    world.commit("a.txt", "one\n", "first")
    world.write("a.txt", "two\n")
    result = await call(GitCommitTool(), world.ctx, message="Colon", all=True)
    assert result.ok, result.output
    assert world.git("show", "HEAD:a.txt") == "two\n"

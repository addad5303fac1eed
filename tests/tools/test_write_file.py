"""write_file over real files, and the unified diff helper it reports with."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.diffs import diff_stats, unified_diff
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace
from vibe.tools.write_file import WriteFileArgs, WriteFileTool


def context_for(root: Path) -> ToolContext:
    return ToolContext(workspace=Workspace.create(root), fs=LocalFileSystem(), sandbox=NoSandbox())


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return context_for(tmp_path)


async def prepare(ctx: ToolContext, path: str, content: str) -> Invocation | ToolResult:
    return await WriteFileTool().prepare(WriteFileArgs(path=path, content=content), ctx)


async def write(ctx: ToolContext, path: str, content: str) -> ToolResult:
    prepared = await prepare(ctx, path, content)
    if isinstance(prepared, Invocation):
        return await prepared.execute()
    return prepared


async def test_creates_a_new_file_and_its_folders(ctx: ToolContext, tmp_path: Path) -> None:
    prepared = await prepare(ctx, "pkg/sub/new.py", "a = 1\nb = 2\n")
    assert isinstance(prepared, Invocation)
    assert (prepared.title, prepared.mutates, prepared.locations) == (
        "Create pkg/sub/new.py",
        True,
        ("pkg/sub/new.py",),
    )
    assert not (tmp_path / "pkg").exists(), "prepare must not write"
    assert prepared.diff == "--- /dev/null\n+++ b/pkg/sub/new.py\n@@ -0,0 +1,2 @@\n+a = 1\n+b = 2\n"
    result = await prepared.execute()
    assert result.ok
    assert result.diff == prepared.diff
    assert result.output.startswith("Created pkg/sub/new.py: 2 lines added, 0 removed.\n\n--- /dev/null")
    assert (tmp_path / "pkg/sub/new.py").read_text() == "a = 1\nb = 2\n"


async def test_overwrites_with_a_diff_of_the_change(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("one\ntwo\nthree\n")
    prepared = await prepare(ctx, "f.txt", "one\n2\nthree\n")
    assert isinstance(prepared, Invocation)
    assert prepared.title == "Write f.txt"
    assert prepared.diff == "--- a/f.txt\n+++ b/f.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n"
    result = await prepared.execute()
    assert result.output.startswith("Updated f.txt: 1 line added, 1 removed.")
    assert (tmp_path / "f.txt").read_text() == "one\n2\nthree\n"


@pytest.mark.parametrize("content", ["café\n", "日本語のテキスト\n", "party 🎉🐍\n", "mixed é 日本 🎉"])
async def test_non_ascii_content_round_trips_as_utf8(ctx: ToolContext, tmp_path: Path, content: str) -> None:
    result = await write(ctx, "intl.txt", content)
    assert result.ok
    assert (tmp_path / "intl.txt").read_bytes() == content.encode("utf-8")


async def test_crlf_file_keeps_crlf_when_content_uses_lf(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"one\r\ntwo\r\n")
    result = await write(ctx, "win.txt", "one\ntwo\nthree\n")
    assert result.ok
    assert (tmp_path / "win.txt").read_bytes() == b"one\r\ntwo\r\nthree\r\n"
    assert result.diff is not None
    assert "\r" not in result.diff
    assert "+three\n" in result.diff


async def test_lf_file_stays_lf_when_content_uses_crlf(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "unix.txt").write_bytes(b"one\n")
    await write(ctx, "unix.txt", "one\r\ntwo\r\n")
    assert (tmp_path / "unix.txt").read_bytes() == b"one\ntwo\n"


def names_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_write_leaves_no_temporary_files(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old\n")
    await write(ctx, "a.txt", "new\n")
    await write(ctx, "b.txt", "fresh\n")
    assert names_in(tmp_path) == ["a.txt", "b.txt"]


async def test_identical_content_is_reported_without_writing(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "same.txt"
    target.write_text("same\n")
    before = target.stat().st_mtime_ns
    prepared = await prepare(ctx, "same.txt", "same\n")
    assert isinstance(prepared, ToolResult)
    assert (prepared.ok, prepared.output) == (True, "No changes: same.txt already has exactly this content.")
    assert target.stat().st_mtime_ns == before


async def test_file_changed_since_prepare_is_not_clobbered(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("original\n")
    prepared = await prepare(ctx, "f.txt", "from the model\n")
    assert isinstance(prepared, Invocation)
    target.write_text("edited by a human\n")
    result = await prepared.execute()
    assert not result.ok
    assert result.output.startswith(
        "f.txt changed on disk since this change was prepared; nothing was written."
    )
    assert "Read it again" in result.output
    assert target.read_text() == "edited by a human\n"


async def test_file_created_since_prepare_is_not_clobbered(ctx: ToolContext, tmp_path: Path) -> None:
    prepared = await prepare(ctx, "new.txt", "model\n")
    assert isinstance(prepared, Invocation)
    (tmp_path / "new.txt").write_text("someone else\n")
    result = await prepared.execute()
    assert not result.ok
    assert result.output.startswith("new.txt was created on disk since this change was prepared")
    assert (tmp_path / "new.txt").read_text() == "someone else\n"


@pytest.mark.parametrize("path", ["../escape.txt", "{outside}/escape.txt", "link/escape.txt"])
async def test_paths_outside_the_workspace_are_refused(tmp_path: Path, path: str) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    ctx = context_for(workspace)
    outside = tmp_path / "outside"
    outside.mkdir()
    (workspace / "link").symlink_to(outside)
    result = await write(ctx, path.format(outside=outside), "x\n")
    assert not result.ok
    assert "outside the workspace" in result.output
    assert not (tmp_path / "escape.txt").exists()
    assert not (outside / "escape.txt").exists()


async def test_directory_and_binary_targets_are_refused(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "blob.bin").write_bytes(b"\x00\x01\x02")
    folder = await write(ctx, "src", "x\n")
    assert (folder.ok, folder.output) == (False, "src is a directory, not a file.")
    binary = await write(ctx, "blob.bin", "x\n")
    assert not binary.ok
    assert binary.output == "blob.bin is a binary file; it cannot be edited as text."
    assert (tmp_path / "blob.bin").read_bytes() == b"\x00\x01\x02"


# The diff helper, checked against git's own reading of the format.


def git_apply(root: Path, diff: str) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "apply", "-"], cwd=root, input=diff.encode(), check=True)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc", "a\nb\nc\n"),  # newline added at the end
        ("a\nb\nc\n", "a\nb\nC"),  # newline removed, last line changed
        ("x\ny", "x\nz"),  # neither side ends with a newline
        ("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\n3\nfour\n5\n6\n7\n8\n9\nten\n"),
    ],
)
def test_unified_diff_applies_with_git(tmp_path: Path, old: str, new: str) -> None:
    (tmp_path / "f.txt").write_text(old)
    diff = unified_diff(old, new, "f.txt")
    git_apply(tmp_path, diff)
    assert (tmp_path / "f.txt").read_text() == new


def test_unified_diff_marks_a_missing_final_newline() -> None:
    diff = unified_diff("a\nb", "a\nb\n", "f.txt")
    assert diff == ("--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")


def test_unified_diff_of_new_files() -> None:
    assert (
        unified_diff(None, "x", "n.txt")
        == "--- /dev/null\n+++ b/n.txt\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n"
    )
    assert unified_diff(None, "", "empty.txt") == "--- /dev/null\n+++ b/empty.txt\n"
    assert unified_diff("same\n", "same\n", "f.txt") == ""


def test_diff_stats_counts_body_lines_that_look_like_headers() -> None:
    old = "keep\n-- sql comment\nkeep\n"
    new = "keep\n++ counter\n+++ triple\nkeep\n"
    assert diff_stats(unified_diff(old, new, "q.sql")) == (2, 1)
    assert diff_stats(unified_diff("a\nb", "a\nb\nc\n", "f")) == (2, 1)
    assert diff_stats("") == (0, 0)

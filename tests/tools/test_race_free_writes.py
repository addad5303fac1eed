"""File tools write what was approved, where it was approved: a folder swapped for a symlink
after the change was prepared cannot redirect it, and hard links are replaced, not changed.

Each test runs with openat2 and again with the per-component walk that replaces it on kernels
(or seccomp filters) without it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import vibe.beneath as beneath
from vibe.beneath import SymlinkInTheWayError, replace_file
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, ToolContext
from vibe.tools.edit import EditArgs, EditTool
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace
from vibe.tools.write_file import WriteFileArgs, WriteFileTool


@pytest.fixture(params=["openat2", "walk"], autouse=True)
def resolver(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    # None lets the first call find out whether openat2 works; False forces the walk.
    monkeypatch.setattr(beneath, "_openat2_works", None if request.param == "openat2" else False)
    yield request.param
    if request.param == "openat2":
        assert beneath._openat2_works is not False, "openat2 should work on this kernel"  # pyright: ignore[reportPrivateUsage]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    (workspace / ".git" / "hooks").mkdir(parents=True)
    (workspace / "src").mkdir()
    (workspace / "src" / "app.py").write_text("old\n")
    return workspace


@pytest.fixture(params=["with-roots", "from-slash"])
def ctx(request: pytest.FixtureRequest, root: Path) -> ToolContext:
    workspace = Workspace.create(root)
    fs = LocalFileSystem(workspace.roots) if request.param == "with-roots" else LocalFileSystem()
    return ToolContext(workspace=workspace, fs=fs, sandbox=NoSandbox())


def swap_for_symlink(folder: Path, target: Path) -> None:
    """What an attacker does between approval and write: the folder becomes a symlink."""
    shutil.rmtree(folder)
    folder.symlink_to(target, target_is_directory=True)


async def test_a_folder_swapped_after_approval_does_not_redirect_a_new_file(
    ctx: ToolContext, root: Path
) -> None:
    prepared = await WriteFileTool().prepare(WriteFileArgs(path="src/pre-commit", content="#!/bin/sh\n"), ctx)
    assert isinstance(prepared, Invocation) and prepared.metadata is None
    swap_for_symlink(root / "src", root / ".git" / "hooks")
    result = await prepared.execute()
    assert not result.ok
    assert result.output.startswith("Cannot write src/pre-commit: a folder on the way is now a symbolic link")
    assert "nothing was written" in result.output
    assert not (root / ".git" / "hooks" / "pre-commit").exists()
    assert list((root / ".git" / "hooks").iterdir()) == []  # no temporary file left behind either


async def test_a_folder_swapped_after_approval_does_not_redirect_an_edit(
    ctx: ToolContext, root: Path
) -> None:
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "app.py").write_text("old\n")  # the same text, so the re-read matches
    prepared = await EditTool().prepare(EditArgs(path="src/app.py", old_string="old", new_string="new"), ctx)
    assert isinstance(prepared, Invocation)
    swap_for_symlink(root / "src", outside)
    result = await prepared.execute()
    assert not result.ok and "symbolic link" in result.output
    assert (outside / "app.py").read_text() == "old\n"


async def test_a_file_swapped_for_a_symlink_is_not_followed(ctx: ToolContext, root: Path) -> None:
    hook = root / ".git" / "hooks" / "post-checkout"
    hook.write_text("old\n")
    prepared = await EditTool().prepare(EditArgs(path="src/app.py", old_string="old", new_string="new"), ctx)
    assert isinstance(prepared, Invocation)
    (root / "src" / "app.py").unlink()
    (root / "src" / "app.py").symlink_to(hook)
    result = await prepared.execute()
    assert not result.ok and "symbolic link" in result.output
    assert hook.read_text() == "old\n"


async def test_a_symlink_there_when_the_change_was_prepared_is_followed_as_approved(
    ctx: ToolContext, root: Path
) -> None:
    (root / "link.py").symlink_to(root / "src" / "app.py")
    prepared = await EditTool().prepare(EditArgs(path="link.py", old_string="old", new_string="new"), ctx)
    assert isinstance(prepared, Invocation) and prepared.locations == ("src/app.py",)
    assert (await prepared.execute()).ok
    assert (root / "src" / "app.py").read_text() == "new\n"
    assert (root / "link.py").is_symlink()


async def test_a_hard_linked_file_is_replaced_not_changed_in_place(ctx: ToolContext, root: Path) -> None:
    # Both names in one folder tree: a hard link planted from the workspace into .git.
    hook = root / ".git" / "hooks" / "pre-commit"
    os.link(root / "src" / "app.py", hook)
    prepared = await WriteFileTool().prepare(
        WriteFileArgs(path="src/app.py", content="#!/bin/sh\nevil\n"), ctx
    )
    assert isinstance(prepared, Invocation)
    assert (await prepared.execute()).ok
    assert (root / "src" / "app.py").read_text() == "#!/bin/sh\nevil\n"
    assert hook.read_text() == "old\n"
    assert hook.stat().st_nlink == 1


def test_modes_are_kept_and_new_files_follow_the_umask(root: Path) -> None:
    script = root / "src" / "run.sh"
    script.write_text("a\n")
    script.chmod(0o750)
    replace_file(script, b"b\n", root=root)
    assert (script.read_bytes(), script.stat().st_mode & 0o777) == (b"b\n", 0o750)
    previous = os.umask(0o027)
    try:
        replace_file(root / "new" / "deeper" / "file.txt", b"x", root=root)
    finally:
        os.umask(previous)
    assert (root / "new" / "deeper" / "file.txt").stat().st_mode & 0o777 == 0o640


def test_parent_folders_are_made_without_following_symlinks(root: Path) -> None:
    (root / "made").symlink_to(root / ".git", target_is_directory=True)
    with pytest.raises(SymlinkInTheWayError):
        replace_file(root / "made" / "hooks" / "x", b"x", root=root)
    assert not (root / ".git" / "hooks" / "x").exists()


def test_a_path_outside_the_root_or_with_dots_is_refused(root: Path) -> None:
    with pytest.raises(ValueError):
        replace_file(root.parent / "elsewhere", b"x", root=root)
    with pytest.raises(ValueError):
        beneath.open_folder_beneath(
            os.open(root, os.O_RDONLY), ["src", ".."]
        )  # closed by the test process exit

"""glob over real trees, plus the gitignore walker it shares with grep."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path

import pytest

from vibe.sandbox.base import NoSandbox, SpawnSpec
from vibe.tools import ignore
from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.glob_tool import MAX_LISTED, GlobArgs, GlobTool
from vibe.tools.globbing import compile_glob, expand_braces, path_filter
from vibe.tools.ignore import walk_files
from vibe.tools.ripgrep import find_ripgrep
from vibe.tools.workspace import Workspace

RunTool = Callable[..., Awaitable[ToolResult]]
HAS_RG = find_ripgrep() is not None


@pytest.fixture(
    params=[
        "python",
        pytest.param("ripgrep", marks=pytest.mark.skipif(not HAS_RG, reason="ripgrep not installed")),
    ]
)
def tool(request: pytest.FixtureRequest) -> GlobTool:
    """Both ways of listing files: the Python walk, and `rg --files` (when ripgrep is there)."""
    return GlobTool(use_ripgrep=request.param == "ripgrep")


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def touch(root: Path, *names: str, mtime: float | None = None) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(name)
        if mtime is not None:
            os.utime(path, (mtime, mtime))


async def test_double_star_finds_nested_files_newest_first(
    tool: GlobTool, run_tool: RunTool, tmp_path: Path
) -> None:
    touch(tmp_path, "top.py", mtime=1_000)
    touch(tmp_path, "pkg/mid.py", mtime=3_000)
    touch(tmp_path, "pkg/sub/deep.py", mtime=2_000)
    touch(tmp_path, "pkg/readme.md", mtime=4_000)
    result = await run_tool(tool, pattern="**/*.py")
    assert result.ok
    assert result.output.splitlines() == ["pkg/mid.py", "pkg/sub/deep.py", "top.py"]


async def test_single_star_stays_at_top_and_hints_recursion(
    tool: GlobTool, run_tool: RunTool, tmp_path: Path
) -> None:
    touch(tmp_path, "pkg/mod.py")
    result = await run_tool(tool, pattern="*.py")
    assert result.output == (
        "No files match *.py in . (only the top folder is searched; use **/*.py to include subfolders)"
    )


async def test_gitignored_and_hidden_files_are_skipped(
    tool: GlobTool, run_tool: RunTool, tmp_path: Path
) -> None:
    git_init(tmp_path)
    touch(tmp_path, ".gitignore", "app.py", "build/gen.py", ".venv/lib/site.py", "lib/.hidden.py")
    (tmp_path / ".gitignore").write_text("build/\n")
    result = await run_tool(tool, pattern="**/*.py")
    assert result.output == "app.py"
    everything = await run_tool(tool, pattern="**")
    assert ".git/" not in everything.output
    assert sorted(everything.output.splitlines()) == ["app.py"]


async def test_hidden_folders_named_in_the_pattern_are_searched(
    tool: GlobTool, run_tool: RunTool, tmp_path: Path
) -> None:
    git_init(tmp_path)
    touch(tmp_path, ".github/workflows/ci.yml", ".github/workflows/release.yaml")
    result = await run_tool(tool, pattern=".github/**/*.{yml,yaml}")
    expected = [".github/workflows/ci.yml", ".github/workflows/release.yaml"]
    assert sorted(result.output.splitlines()) == expected
    refused = await run_tool(tool, pattern=".git/**")
    assert refused.output.startswith("No files match")


async def test_path_argument_and_results_relative_to_cwd(
    tool: GlobTool, run_tool: RunTool, tmp_path: Path
) -> None:
    touch(tmp_path, "a/x.txt", "b/x.txt")
    result = await run_tool(tool, pattern="*.txt", path="b")
    assert result.output == "b/x.txt"


async def test_outside_workspace_is_refused(tool: GlobTool, run_tool: RunTool, tmp_path: Path) -> None:
    for arguments in ({"pattern": "*", "path": "/etc"}, {"pattern": "../**/*.py"}):
        result = await run_tool(tool, **arguments)
        assert not result.ok
        assert "outside the workspace" in result.output


async def test_listing_is_capped_with_a_note(tool: GlobTool, run_tool: RunTool, tmp_path: Path) -> None:
    touch(tmp_path, *(f"f{n:03}.txt" for n in range(MAX_LISTED + 5)))
    result = await run_tool(tool, pattern="*.txt")
    lines = result.output.splitlines()
    assert len(lines) == MAX_LISTED + 1
    assert lines[-1] == "… 5 more files not shown; narrow the pattern or path"


async def test_names_that_could_forge_lines_are_quoted(
    tool: GlobTool, run_tool: RunTool, tmp_path: Path
) -> None:
    touch(tmp_path, "evil\nforged.py", mtime=2_000)
    touch(tmp_path, "plain.py", mtime=1_000)
    result = await run_tool(tool, pattern="*.py")
    assert result.output.splitlines() == ['"evil\\nforged.py"', "plain.py"]


async def test_only_regular_files_are_listed(tool: GlobTool, run_tool: RunTool, tmp_path: Path) -> None:
    touch(tmp_path, "real.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "link.txt").symlink_to(tmp_path / "real.txt")
    result = await run_tool(tool, pattern="*.txt")
    assert result.output == "real.txt"


async def test_a_pipe_or_file_given_as_the_folder_is_a_clear_error(
    tool: GlobTool, run_tool: RunTool, tmp_path: Path
) -> None:
    os.mkfifo(tmp_path / "pipe")
    touch(tmp_path, "file.txt")
    piped = await run_tool(tool, pattern="*", path="pipe")
    assert (piped.ok, piped.output) == (False, "pipe is a named pipe, not a folder: glob searches folders")
    filed = await run_tool(tool, pattern="*", path="file.txt")
    assert (filed.ok, filed.output) == (False, "file.txt is a file, not a folder: glob searches folders")


def test_glob_semantics() -> None:
    assert expand_braces("src/*.{ts,tsx}") == ["src/*.ts", "src/*.tsx"]
    assert expand_braces("a{b,{c,d}}e") == ["abe", "ace", "ade"]
    assert expand_braces("{single}") == ["{single}"]
    py = compile_glob("**/*.py", match_hidden=False)
    assert py.match("a.py") and py.match("a/b/c.py")
    assert not py.match(".venv/x.py") and not py.match("a/.x.py") and not py.match("a.pyc")
    tests = compile_glob("tests/test_[a-c]?.py", match_hidden=False)
    assert tests.match("tests/test_b1.py") and not tests.match("tests/test_d1.py")
    assert not tests.match("tests/sub/test_b1.py")
    by_name = path_filter("*.md")
    assert by_name("docs/deep/x.md") and not by_name("docs/x.mdx")
    by_path = path_filter("docs/*.md")
    assert by_path("docs/x.md") and not by_path("other/docs/x.md")


def test_walker_prunes_ignored_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path, "node_modules/a/b/c.js", "src/main.js")
    (tmp_path / ".gitignore").write_text("node_modules/\n")
    scanned: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path: Path) -> Iterator[os.DirEntry[str]]:
        scanned.append(Path(path).name)
        return real_scandir(path)

    monkeypatch.setattr(ignore.os, "scandir", recording_scandir)
    assert [p.relative_to(tmp_path).as_posix() for p in walk_files(tmp_path)] == [".gitignore", "src/main.js"]
    assert "node_modules" not in scanned and "a" not in scanned


def test_walker_explicitly_started_in_an_ignored_folder_lists_it(tmp_path: Path) -> None:
    git_init(tmp_path)
    touch(tmp_path, "vendor/lib.py")
    (tmp_path / ".gitignore").write_text("vendor/\n")
    assert list(walk_files(tmp_path)) == [tmp_path / ".gitignore"]
    assert list(walk_files(tmp_path / "vendor")) == [tmp_path / "vendor" / "lib.py"]


def test_walker_does_not_follow_symlinks_out_of_the_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    touch(outside, "secret.txt")
    root = tmp_path / "root"
    touch(root, "ok.txt")
    (root / "link").symlink_to(outside)
    (root / "file-link").symlink_to(outside / "secret.txt")
    assert list(walk_files(root)) == [root / "ok.txt"]


class FailingSandbox(NoSandbox):
    """A sandbox that cannot start anything, as bubblewrap when a mount fails: exit 1, a message.

    The message comes after the exit, as it can reach the reader after the exit is seen.
    """

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        message = "echo 'bwrap: Can not mount .vibe: No such file' >&2"
        return SpawnSpec(argv=["/bin/sh", "-c", f"(sleep 0.3; {message}) & exit 1"], cwd=cwd)


async def test_a_sandbox_failure_is_not_read_as_no_files(workspace: Workspace, tmp_path: Path) -> None:
    touch(tmp_path, "a.py")
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=FailingSandbox())
    prepared = await GlobTool().prepare(GlobArgs(pattern="*.py"), ctx)
    assert isinstance(prepared, Invocation)
    assert (await prepared.execute()).output == "a.py"

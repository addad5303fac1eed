"""grep over real files; every behaviour is checked on the Python backend and, when installed, ripgrep."""

from __future__ import annotations

import asyncio
import os
import subprocess
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from support.processes import new_marker, survivors
from support.slow_search import slow_search, wait_for_process
from vibe.sandbox.base import NoSandbox, SpawnSpec
from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.grep import GrepArgs, GrepTool
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
def tool(request: pytest.FixtureRequest) -> GrepTool:
    return GrepTool(use_ripgrep=request.param == "ripgrep")


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


async def test_regex_matches_are_listed_by_file(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"b.py": "value = 1\ndef beta():\n", "a.py": "def alpha(x):\n    return x\n"})
    result = await run_tool(tool, pattern=r"def \w+\(")
    assert result.ok
    assert result.output == "a.py:1: def alpha(x):\n\nb.py:2: def beta():"


async def test_ignore_case(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"notes.txt": "TODO: one\ntodo: two\nnothing\n"})
    sensitive = await run_tool(tool, pattern="todo")
    insensitive = await run_tool(tool, pattern="todo", ignore_case=True)
    assert sensitive.output == "notes.txt:2: todo: two"
    assert insensitive.output == "notes.txt:1: TODO: one\nnotes.txt:2: todo: two"


async def test_context_lines_are_marked(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"f.txt": "".join(f"line {n}\n" for n in range(1, 11)).replace("line 3", "hit 3")})
    write(tmp_path, {"g.txt": "x\nhit a\ny\nz\nw\nhit b\n"})
    result = await run_tool(tool, pattern="hit", context=1)
    assert result.output == (
        "f.txt-2- line 2\nf.txt:3: hit 3\nf.txt-4- line 4\n\n"
        "g.txt-1- x\ng.txt:2: hit a\ng.txt-3- y\n--\ng.txt-5- w\ng.txt:6: hit b"
    )


async def test_glob_filters_files(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"src/app.py": "needle\n", "src/app.ts": "needle\n", "docs/deep/guide.py": "needle\n"})
    by_name = await run_tool(tool, pattern="needle", glob="*.py")
    by_path = await run_tool(tool, pattern="needle", glob="src/*")
    assert by_name.output == "docs/deep/guide.py:1: needle\n\nsrc/app.py:1: needle"
    assert by_path.output == "src/app.py:1: needle\n\nsrc/app.ts:1: needle"


async def test_gitignore_rules_are_respected_at_every_level(
    tool: GrepTool, run_tool: RunTool, tmp_path: Path
) -> None:
    git_init(tmp_path)
    write(
        tmp_path,
        {
            ".gitignore": "build/\n*.log\n!keep.log\n",
            ".git/info/exclude": "local-only.txt\n",
            "build/out.txt": "needle\n",
            "node_modules/pkg/index.js": "needle\n",
            "debug.log": "needle\n",
            "keep.log": "needle\n",
            "local-only.txt": "needle\n",
            "sub/.gitignore": "secret.txt\nnode_modules/\n",
            "sub/secret.txt": "needle\n",
            "sub/node_modules/x.js": "needle\n",
            "sub/visible.txt": "needle\n",
            "secret.txt": "needle\n",  # the nested rule applies only below sub/
        },
    )
    result = await run_tool(tool, pattern="needle")
    shown = [line.split(":")[0] for line in result.output.split("\n") if line]
    assert shown == ["keep.log", "node_modules/pkg/index.js", "secret.txt", "sub/visible.txt"]


async def test_searching_inside_a_subfolder_still_applies_parent_rules(
    tool: GrepTool, run_tool: RunTool, tmp_path: Path
) -> None:
    git_init(tmp_path)
    write(tmp_path, {".gitignore": "*.gen.py\n", "pkg/a.py": "needle\n", "pkg/a.gen.py": "needle\n"})
    result = await run_tool(tool, pattern="needle", path="pkg")
    assert result.output == "pkg/a.py:1: needle"


async def test_git_folder_is_never_searched_but_hidden_files_are(
    tool: GrepTool, run_tool: RunTool, tmp_path: Path
) -> None:
    git_init(tmp_path)
    write(tmp_path, {".env.example": "repositoryformatversion\n"})
    result = await run_tool(tool, pattern="repositoryformatversion")
    assert result.output == ".env.example:1: repositoryformatversion"


async def test_binary_files_are_skipped_and_large_ones_searched_whole(
    tool: GrepTool, run_tool: RunTool, tmp_path: Path
) -> None:
    filler = ("hay " * 255 + "\n") * 12 * 1024  # 12 MB: past any "large file" cut-off
    write(tmp_path, {"blob.bin": b"\x00\x01needle\x02", "huge.log": f"needle 1\n{filler}needle 2\n"})
    result = await run_tool(tool, pattern="needle")
    assert result.output == "huge.log:1: needle 1\nhuge.log:12290: needle 2"


async def test_named_pipes_are_never_opened(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"src/a.txt": "needle\n"})
    os.mkfifo(tmp_path / "src" / "pipe")
    # Opening a pipe for reading waits for a writer that never comes: a hang fails the test.
    inside = await asyncio.wait_for(run_tool(tool, pattern="needle"), 20)
    assert inside.output == "src/a.txt:1: needle"
    named = await asyncio.wait_for(run_tool(tool, pattern="needle", path="src/pipe"), 20)
    assert not named.ok
    assert named.output == "src/pipe is a named pipe, not a file: grep searches files and folders"


async def test_names_that_could_forge_lines_are_quoted(
    tool: GrepTool, run_tool: RunTool, tmp_path: Path
) -> None:
    write(tmp_path, {"evil\nforged.txt:1: fake": "needle\n", "plain.txt": "needle\n"})
    result = await run_tool(tool, pattern="needle")
    assert result.output.splitlines() == ['"evil\\nforged.txt:1: fake":1: needle', "", "plain.txt:1: needle"]


async def test_cancelling_a_search_stops_its_process_at_once(
    tool: GrepTool, run_tool: RunTool, tmp_path: Path
) -> None:
    marker = new_marker()
    pattern = slow_search(tmp_path, marker, ripgrep=tool.uses_ripgrep)
    search = asyncio.ensure_future(run_tool(tool, pattern=pattern))
    await wait_for_process(marker)
    search.cancel()
    with pytest.raises(asyncio.CancelledError):
        await search
    assert survivors(marker) == []


async def test_results_are_capped_with_a_note(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"many.txt": "match\n" * 150, "more.txt": "match\n" * 70})
    result = await run_tool(tool, pattern="match")
    lines = result.output.splitlines()
    assert sum(":" in line for line in lines) == 100
    assert lines[-1] == "… 120 more matches not shown; narrow the pattern or path"
    small = await run_tool(tool, pattern="match", max_results=3)
    assert small.output.splitlines()[:3] == ["many.txt:1: match", "many.txt:2: match", "many.txt:3: match"]


async def test_long_lines_are_cut_around_the_match(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"min.js": "a" * 5000 + "NEEDLE" + "b" * 5000 + "\n"})
    result = await run_tool(tool, pattern="NEEDLE")
    assert "NEEDLE" in result.output
    assert len(result.output) < 400
    assert "chars]" in result.output


async def test_single_file_path(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"one.txt": "needle\n", "two.txt": "needle\n"})
    result = await run_tool(tool, pattern="needle", path="two.txt")
    assert result.output == "two.txt:1: needle"


async def test_python_only_syntax_works_everywhere(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"f.py": "foo bar\nbaz bar\n"})
    result = await run_tool(tool, pattern=r"(?<=foo )bar")
    assert result.output == "f.py:1: foo bar"


async def test_no_match_says_so(tool: GrepTool, run_tool: RunTool, tmp_path: Path) -> None:
    write(tmp_path, {"f.txt": "hay\n"})
    result = await run_tool(tool, pattern="needle")
    assert result.ok
    assert result.output == "No matches for /needle/ in ."


async def test_invalid_regex_is_a_clear_error(run_tool: RunTool) -> None:
    result = await run_tool(GrepTool(use_ripgrep=False), pattern="(unclosed")
    assert not result.ok
    assert result.output.startswith("Invalid regex /(unclosed/:")


async def test_paths_outside_the_workspace_are_refused(run_tool: RunTool) -> None:
    result = await run_tool(GrepTool(use_ripgrep=False), pattern="x", path="/etc")
    assert not result.ok
    assert "outside the workspace" in result.output


@pytest.mark.skipif(not HAS_RG, reason="ripgrep not installed")
async def test_both_backends_print_the_same(run_tool: RunTool, tmp_path: Path) -> None:
    git_init(tmp_path)
    write(
        tmp_path,
        {
            ".gitignore": "dist/\n",
            "dist/a.js": "needle\n",
            "src/z.py": "one\nneedle two\nthree\nfour\nneedle five\n",
            "src/a/b.py": "Needle\n",
            "README.md": "no\nneedle é ünïcode\n",
        },
    )
    arguments = {"pattern": "needle", "ignore_case": True, "context": 1, "max_results": 3}
    python = await run_tool(GrepTool(use_ripgrep=False), **arguments)
    ripgrep = await run_tool(GrepTool(use_ripgrep=True), **arguments)
    assert python.output == ripgrep.output
    assert python.output.endswith("… 1 more match not shown; narrow the pattern or path")


class FailingSandbox(NoSandbox):
    """A sandbox that cannot start anything, as bubblewrap when a mount fails: exit 1, a message.

    The message comes after the exit, as it can reach the reader after the exit is seen.
    """

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        message = "echo 'bwrap: Can not mount .vibe: No such file' >&2"
        return SpawnSpec(argv=["/bin/sh", "-c", f"(sleep 0.3; {message}) & exit 1"], cwd=cwd)


@pytest.mark.skipif(not HAS_RG, reason="ripgrep not installed")
async def test_a_sandbox_failure_is_not_read_as_no_match(workspace: Workspace, tmp_path: Path) -> None:
    # ripgrep's exit code 1 means "no match"; from a sandbox that could not start it, it does not.
    write(tmp_path, {"a.txt": "needle\n"})
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=FailingSandbox())
    prepared = await GrepTool().prepare(GrepArgs(pattern="needle"), ctx)
    assert isinstance(prepared, Invocation)
    assert (await prepared.execute()).output == "a.txt:1: needle"


async def test_without_a_startable_interpreter_python_searches_in_process(
    run_tool: RunTool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As when vibe's interpreter lives where the user running it may not execute it.
    monkeypatch.setattr("sys.executable", str(tmp_path / "no-such-python"))
    write(tmp_path, {"a.py": "foo bar\n"})
    result = await run_tool(GrepTool(use_ripgrep=False), pattern="(?<=foo )bar")
    assert result.output == "a.py:1: foo bar"


class FailingSecondSpawn(NoSandbox):
    """Starts the first process, then fails like FailingSandbox (a failure between two passes)."""

    def __init__(self) -> None:
        super().__init__()
        self.spawns = 0

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        self.spawns += 1
        return super().wrap(argv, cwd) if self.spawns == 1 else FailingSandbox().wrap(argv, cwd)


@pytest.mark.skipif(not HAS_RG, reason="ripgrep not installed")
async def test_a_failure_between_the_passes_is_not_read_as_no_lines(
    workspace: Workspace, tmp_path: Path
) -> None:
    write(tmp_path, {"a.txt": "needle\n"})
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=FailingSecondSpawn())
    prepared = await GrepTool().prepare(GrepArgs(pattern="needle"), ctx)
    assert isinstance(prepared, Invocation)
    assert (await prepared.execute()).output == "a.txt:1: needle"


class ShellWrappedSandbox(NoSandbox):
    """Runs each command under a shell, as bubblewrap's clean-up wrapper does: the searcher is a
    grandchild, which killing the direct child alone leaves running."""

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        spec = super().wrap(argv, cwd)
        return replace(spec, argv=["/bin/sh", "-c", '"$@"; exit $?', "wrapper", *argv])


@pytest.mark.parametrize("turns", [1, 2, 3])
async def test_a_search_cancelled_while_starting_leaves_nothing_running(
    tool: GrepTool, workspace: Workspace, tmp_path: Path, turns: int
) -> None:
    marker = new_marker()
    pattern = slow_search(tmp_path, marker, ripgrep=tool.uses_ripgrep)
    ctx = ToolContext(workspace=workspace, fs=LocalFileSystem(), sandbox=ShellWrappedSandbox())
    prepared = await tool.prepare(GrepArgs(pattern=pattern), ctx)
    assert isinstance(prepared, Invocation)
    search = asyncio.ensure_future(prepared.execute())
    # A few turns of the loop: the process is forked and the task waits inside asyncio's
    # subprocess start-up (before or after the exec), the narrowest places a cancellation can land.
    for _ in range(turns):
        await asyncio.sleep(0)
    search.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(search, 30)
    assert survivors(marker) == []

"""read_file over real files in a temporary workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.read_file import MAX_LINE_CHARS, MAX_OUTPUT_CHARS, ReadFileArgs, ReadFileTool
from vibe.tools.workspace import Workspace


def context_for(root: Path) -> ToolContext:
    return ToolContext(workspace=Workspace.create(root), fs=LocalFileSystem(), sandbox=NoSandbox())


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return context_for(tmp_path)


async def read(ctx: ToolContext, path: str, **options: int) -> ToolResult:
    prepared = await ReadFileTool().prepare(ReadFileArgs(path=path, **options), ctx)
    if isinstance(prepared, Invocation):
        return await prepared.execute()
    return prepared


def write_lines(path: Path, count: int, width: int = 0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"line {i}".ljust(width) + "\n" for i in range(1, count + 1)))


async def test_lines_are_numbered_right_aligned_with_a_tab(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\n\n    print(os.sep)\n")
    result = await read(ctx, "app.py")
    assert result.ok
    assert result.output == "     1\timport os\n     2\t\n     3\t    print(os.sep)"


async def test_prepare_describes_a_read_only_invocation(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("x\n")
    prepared = await ReadFileTool().prepare(ReadFileArgs(path="src/app.py"), ctx)
    assert isinstance(prepared, Invocation)
    assert (prepared.title, prepared.mutates, prepared.locations) == (
        "Read src/app.py",
        False,
        ("src/app.py",),
    )
    assert ReadFileTool.read_only and ReadFileTool.kind == "read"


async def test_long_file_stops_at_2000_lines_with_a_continue_hint(ctx: ToolContext, tmp_path: Path) -> None:
    write_lines(tmp_path / "big.txt", 5123)
    first = await read(ctx, "big.txt")
    lines = first.output.splitlines()
    assert lines[0] == "     1\tline 1"
    assert lines[1999] == "  2000\tline 2000"
    assert lines[2000] == "(showing lines 1-2000 of 5123; call read_file with offset=2001 to continue)"
    assert len(lines) == 2001
    last = await read(ctx, "big.txt", offset=5001)
    assert last.output.splitlines()[0] == "  5001\tline 5001"
    assert last.output.splitlines()[-1] == "  5123\tline 5123"


async def test_offset_and_limit_select_a_window(ctx: ToolContext, tmp_path: Path) -> None:
    write_lines(tmp_path / "f.txt", 30)
    result = await read(ctx, "f.txt", offset=10, limit=3)
    assert result.output.splitlines() == [
        "    10\tline 10",
        "    11\tline 11",
        "    12\tline 12",
        "(showing lines 10-12 of 30; call read_file with offset=13 to continue)",
    ]


async def test_limit_above_the_cap_is_capped(ctx: ToolContext, tmp_path: Path) -> None:
    write_lines(tmp_path / "f.txt", 2500)
    result = await read(ctx, "f.txt", limit=10_000)
    assert result.output.splitlines()[-1].startswith("(showing lines 1-2000 of 2500;")


async def test_output_is_capped_in_size_and_says_where_to_continue(ctx: ToolContext, tmp_path: Path) -> None:
    write_lines(tmp_path / "wide.txt", 2000, width=200)
    result = await read(ctx, "wide.txt")
    *body, hint = result.output.splitlines()
    assert len("\n".join(body)) <= MAX_OUTPUT_CHARS
    last_shown = len(body)
    assert 200 < last_shown < 2000
    assert body[-1].startswith(f"{last_shown:>6}\tline {last_shown}")
    assert hint == (
        f"(showing lines 1-{last_shown} of 2000; call read_file with offset={last_shown + 1} to continue)"
    )


async def test_very_long_lines_are_cut_with_a_marker(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "min.js").write_text("a" * 5000 + "\nshort\n")
    lines = (await read(ctx, "min.js")).output.splitlines()
    assert lines[0] == "     1\t" + "a" * MAX_LINE_CHARS + "… [line cut: 3,000 more chars]"
    assert lines[1] == "     2\tshort"


async def test_crlf_lines_are_shown_without_carriage_returns(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"one\r\ntwo\r\n")
    assert (await read(ctx, "win.txt")).output == "     1\tone\n     2\ttwo"


async def test_non_ascii_text_is_shown_as_is(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "intl.txt").write_text("café 日本語 🎉\n", encoding="utf-8")
    assert (await read(ctx, "intl.txt")).output == "     1\tcafé 日本語 🎉"


async def test_empty_file_says_so(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    result = await read(ctx, "empty.txt")
    assert result.ok
    assert result.output == "(empty.txt is empty)"


async def test_offset_past_the_end_gives_the_line_count(ctx: ToolContext, tmp_path: Path) -> None:
    write_lines(tmp_path / "f.txt", 12)
    result = await read(ctx, "f.txt", offset=50)
    assert not result.ok
    assert result.output == "offset 50 is past the end of f.txt, which has 12 lines."


async def test_binary_file_is_refused(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = await read(ctx, "logo.png")
    assert not result.ok
    assert result.output == "logo.png is a binary file; it cannot be shown."


async def test_directory_is_refused_with_a_glob_hint(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    result = await read(ctx, "src")
    assert not result.ok
    assert result.output == "src is a directory; use glob (e.g. pattern src/**/*) to list its files."


async def test_missing_file_suggests_similar_names(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("hi\n")
    (tmp_path / "config.yaml").write_text("a: 1\n")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "app.py").write_text("x\n")
    cases = {
        "readme.md": "README.md",
        "config.yml": "config.yaml",
        "app.py": "src/pkg/app.py",
        "src/app.py": "src/pkg/app.py",
        "lib/pkg/app.py": "src/pkg/app.py",
    }
    for asked, suggested in cases.items():
        result = await read(ctx, asked)
        assert not result.ok
        assert result.output == f"{asked} does not exist. Did you mean: {suggested}?"


async def test_missing_file_without_look_alikes_just_says_so(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("x\n")
    result = await read(ctx, "notes.txt")
    assert (result.ok, result.output) == (False, "notes.txt does not exist.")


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "link/secret.txt"])
async def test_paths_outside_the_workspace_are_refused(tmp_path: Path, path: str) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    ctx = context_for(workspace)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    (tmp_path / "outside.txt").write_text("secret\n")
    (workspace / "link").symlink_to(outside)
    result = await read(ctx, path)
    assert not result.ok
    assert "outside the workspace" in result.output
    assert "secret" not in result.output.replace("secret.txt", "")

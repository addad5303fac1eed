"""The edit tool over real files: every rung of the ladder, and every failure leaving the file as it was."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from vibe.sandbox.base import NoSandbox
from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.edit import EditArgs, EditTool
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace


def context_for(root: Path) -> ToolContext:
    return ToolContext(workspace=Workspace.create(root), fs=LocalFileSystem(), sandbox=NoSandbox())


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return context_for(tmp_path)


async def prepare(
    ctx: ToolContext, path: str, old: str, new: str, **options: bool
) -> Invocation | ToolResult:
    args = EditArgs(path=path, old_string=old, new_string=new, **options)
    return await EditTool().prepare(args, ctx)


async def edit(ctx: ToolContext, path: str, old: str, new: str, **options: bool) -> ToolResult:
    prepared = await prepare(ctx, path, old, new, **options)
    if isinstance(prepared, Invocation):
        return await prepared.execute()
    return prepared


async def test_exact_edit_reports_rung_count_and_diff(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import os\n\nprint(os.sep)\n")
    prepared = await prepare(ctx, "app.py", "print(os.sep)", "print(os.getcwd())")
    assert isinstance(prepared, Invocation)
    assert (prepared.title, prepared.mutates, prepared.locations) == ("Edit app.py", True, ("app.py",))
    assert (tmp_path / "app.py").read_text() == "import os\n\nprint(os.sep)\n", "prepare must not write"
    result = await prepared.execute()
    assert result.ok
    assert result.diff == prepared.diff
    assert result.output == (
        "Edited app.py (matched exactly, 1 replacement): 1 line added, 1 removed.\n\n"
        "--- a/app.py\n+++ b/app.py\n@@ -1,3 +1,3 @@\n import os\n \n-print(os.sep)\n+print(os.getcwd())"
    )
    assert (tmp_path / "app.py").read_text() == "import os\n\nprint(os.getcwd())\n"


async def test_trailing_whitespace_differences_still_match(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("x = 1   \ny = 2\t\nz = 3\n")
    result = await edit(ctx, "f.py", "x = 1\ny = 2", "x = 10\ny = 20")
    assert result.ok
    assert "matched after ignoring trailing whitespace" in result.output
    assert (tmp_path / "f.py").read_text() == "x = 10\ny = 20\nz = 3\n"


async def test_indentation_is_normalised_and_the_replacement_reindented(
    ctx: ToolContext, tmp_path: Path
) -> None:
    source = (
        "class Cart:\n"
        "    def total(self):\n"
        "        result = 0\n"
        "        for item in self.items:\n"
        "            result += item.price\n"
        "        return result\n"
    )
    (tmp_path / "cart.py").write_text(source)
    old = "for item in self.items:\n    result += item.price\nreturn result"
    new = (
        "for item in self.items:\n"
        "    if item.discounted:\n"
        "        result += item.price * 0.9\n"
        "    else:\n"
        "        result += item.price\n"
        "return round(result, 2)"
    )
    result = await edit(ctx, "cart.py", old, new)
    assert result.ok, result.output
    assert "matched after normalising indentation" in result.output
    edited = (tmp_path / "cart.py").read_text()
    assert edited == (
        "class Cart:\n"
        "    def total(self):\n"
        "        result = 0\n"
        "        for item in self.items:\n"
        "            if item.discounted:\n"
        "                result += item.price * 0.9\n"
        "            else:\n"
        "                result += item.price\n"
        "        return round(result, 2)\n"
    )
    ast.parse(edited)


async def test_unicode_punctuation_is_normalised(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("Status: “done” — it’s shipped…\n", encoding="utf-8")
    result = await edit(ctx, "notes.md", 'Status: "done" - it\'s shipped...', "Status: “released”")
    assert result.ok
    assert "matched after normalising Unicode punctuation" in result.output
    assert (tmp_path / "notes.md").read_text(encoding="utf-8") == "Status: “released”\n"


async def test_ambiguous_match_changes_nothing_and_lists_lines(ctx: ToolContext, tmp_path: Path) -> None:
    original = b"total = 0\nfor x in xs:\n    total = 0\nprint(total)\n"
    (tmp_path / "f.py").write_bytes(original)
    result = await edit(ctx, "f.py", "total = 0", "total = 1")
    assert not result.ok
    assert result.output == (
        "old_string was found 2 times in f.py, at lines 1, 3; nothing was changed. Include more "
        "surrounding lines to make it unique, or set replace_all to true to replace every occurrence."
    )
    assert (tmp_path / "f.py").read_bytes() == original


async def test_replace_all_replaces_every_occurrence(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("old_name()\nx = old_name\nold_name()\n")
    result = await edit(ctx, "f.py", "old_name", "new_name", replace_all=True)
    assert result.ok
    assert "(matched exactly, 3 replacements): 3 lines added, 3 removed." in result.output
    assert (tmp_path / "f.py").read_text() == "new_name()\nx = new_name\nnew_name()\n"


async def test_not_found_shows_the_closest_region_and_leaves_the_file(
    ctx: ToolContext, tmp_path: Path
) -> None:
    lines = [f"value_{i} = compute({i})" for i in range(1, 41)]
    original = ("\n".join(lines) + "\n").encode()
    (tmp_path / "calc.py").write_bytes(original)
    result = await edit(ctx, "calc.py", "value_20 = compute(2O)\nvalue_21 = compute(21)", "x = 1")
    assert not result.ok
    assert result.output.startswith("old_string was not found in calc.py; nothing was changed.")
    assert "lines 20-21" in result.output
    shown = [line for line in result.output.splitlines() if "\t" in line]
    assert shown == [f"{n:>6}\tvalue_{n} = compute({n})" for n in range(18, 24)]
    assert (tmp_path / "calc.py").read_bytes() == original


async def test_not_found_in_an_empty_file(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("")
    result = await edit(ctx, "empty.py", "anything", "else")
    assert (result.ok, result.output) == (
        False,
        "old_string was not found in empty.py; nothing was changed. The file is empty.",
    )


async def test_crlf_file_is_matched_as_lf_and_keeps_crlf(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "win.txt").write_bytes(b"first\r\nsecond\r\nthird\r\n")
    result = await edit(ctx, "win.txt", "first\nsecond", "first\nsecond and a half")
    assert result.ok
    assert (tmp_path / "win.txt").read_bytes() == b"first\r\nsecond and a half\r\nthird\r\n"
    assert result.diff is not None
    assert "\r" not in result.diff


async def test_non_ascii_text_is_edited_byte_exactly(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "i18n.py").write_text('greet = "café"\nname = "日本語"\n', encoding="utf-8")
    result = await edit(ctx, "i18n.py", '"日本語"', '"日本語 🎉"')
    assert result.ok
    expected = 'greet = "café"\nname = "日本語 🎉"\n'.encode()
    assert (tmp_path / "i18n.py").read_bytes() == expected


async def test_empty_old_string_creates_a_new_file(ctx: ToolContext, tmp_path: Path) -> None:
    result = await edit(ctx, "pkg/new.py", "", "print('hi')\n")
    assert result.ok
    assert result.output.startswith("Created pkg/new.py: 1 line added, 0 removed.")
    assert (tmp_path / "pkg" / "new.py").read_text() == "print('hi')\n"


async def test_empty_old_string_fills_an_empty_file_but_not_a_full_one(
    ctx: ToolContext, tmp_path: Path
) -> None:
    (tmp_path / "empty.txt").write_text("")
    assert (await edit(ctx, "empty.txt", "", "content\n")).ok
    assert (tmp_path / "empty.txt").read_text() == "content\n"
    refused = await edit(ctx, "empty.txt", "", "more\n")
    assert not refused.ok
    assert refused.output.startswith("old_string is empty but empty.txt already has content.")
    assert (tmp_path / "empty.txt").read_text() == "content\n"


async def test_identical_strings_are_refused(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("same\n")
    result = await edit(ctx, "f.txt", "same", "same")
    assert (result.ok, result.output) == (
        False,
        "old_string and new_string are identical; there is nothing to change.",
    )


async def test_missing_file_is_reported_with_suggestions(ctx: ToolContext, tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.py").write_text("x\n")
    result = await edit(ctx, "main.py", "x", "y")
    assert (result.ok, result.output) == (False, "main.py does not exist. Did you mean: src/main.py?")
    assert not (tmp_path / "main.py").exists()


async def test_change_on_disk_after_prepare_is_refused(ctx: ToolContext, tmp_path: Path) -> None:
    target = tmp_path / "f.txt"
    target.write_text("alpha\nbeta\n")
    prepared = await prepare(ctx, "f.txt", "beta", "gamma")
    assert isinstance(prepared, Invocation)
    target.write_text("alpha\nbeta\nadded meanwhile\n")
    result = await prepared.execute()
    assert not result.ok
    assert "changed on disk since this change was prepared" in result.output
    assert target.read_text() == "alpha\nbeta\nadded meanwhile\n"


@pytest.mark.parametrize("path", ["../escape.txt", "{outside}/target.txt", "link/target.txt"])
async def test_paths_outside_the_workspace_are_refused(tmp_path: Path, path: str) -> None:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    ctx = context_for(workspace)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.txt").write_text("keep\n")
    (tmp_path / "escape.txt").write_text("keep\n")
    (workspace / "link").symlink_to(outside)
    result = await edit(ctx, path.format(outside=outside), "keep", "changed")
    assert not result.ok
    assert "outside the workspace" in result.output
    assert (outside / "target.txt").read_text() == "keep\n"
    assert (tmp_path / "escape.txt").read_text() == "keep\n"

"""Card headers and status facts are cut by terminal width, not by characters: a CJK character
or an emoji takes two cells, so cutting by characters made headers wrap."""

from __future__ import annotations

from rich.cells import cell_len

from vibe.tui.render import clip_cells, key_argument


def test_wide_characters_are_cut_by_the_cells_they_take() -> None:
    path = "文档/" + "非常长的文件名" * 20 + ".md"
    shown = key_argument({"path": path}, "read_file")
    assert cell_len(shown) <= 80 and shown.endswith("…")
    assert len(shown) < 45  # by characters it would have kept about 80


def test_short_and_ascii_text_is_unchanged_or_cut_as_before() -> None:
    assert clip_cells("src/app.py", 80) == "src/app.py"
    assert clip_cells("abcdefgh", 5) == "abcd…"
    assert cell_len(clip_cells("🎉" * 10, 7)) <= 7

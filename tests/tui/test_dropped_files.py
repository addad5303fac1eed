"""What a terminal pastes when a file is dropped on it, read as image mentions."""

from __future__ import annotations

from pathlib import Path

from support.images import png_bytes
from vibe.attachments import image_mentions
from vibe.tui.dropped_files import as_image_mentions


def test_the_ways_terminals_paste_a_dropped_file(tmp_path: Path) -> None:
    (tmp_path / "with space.png").write_bytes(png_bytes())
    (tmp_path / "plain.JPG").write_bytes(png_bytes())
    (tmp_path / "notes.txt").write_text("x")
    spaced = tmp_path / "with space.png"
    assert as_image_mentions(f"'{spaced}' ", tmp_path) == f'@"{spaced}"'
    assert as_image_mentions(str(spaced).replace(" ", "\\ "), tmp_path) == f'@"{spaced}"'
    assert as_image_mentions(f"file://{str(spaced).replace(' ', '%20')}", tmp_path) == f'@"{spaced}"'
    assert as_image_mentions("plain.JPG", tmp_path) == "@plain.JPG"
    assert as_image_mentions(f"plain.JPG '{spaced}'", tmp_path) == f'@plain.JPG @"{spaced}"'
    for not_only_images in ("notes.txt", "plain.JPG notes.txt", "missing.png", "a\nplain.JPG", "'x", ""):
        assert as_image_mentions(not_only_images, tmp_path) is None
    # What the prompt then holds is read back as the same paths.
    assert image_mentions(f'see @"{spaced}" and @plain.JPG') == [str(spaced), "plain.JPG"]

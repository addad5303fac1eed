"""`@path` naming a file or folder: attached as context, capped; anything else stays as typed."""

from __future__ import annotations

from pathlib import Path

from vibe.attachments import attach_all, path_mentions
from vibe.context_attachments import MAX_FILE_CHARS
from vibe.tools.workspace import Workspace


def repo(tmp_path: Path) -> Workspace:
    root = tmp_path / "repo"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("def main():\n    return 42\n")
    (root / "src" / "util.py").write_text("class Helper:\n    def run(self):\n        pass\n")
    (tmp_path / "secret.txt").write_text("outside the workspace\n")
    return Workspace.create(root)


def test_mentions_are_every_at_path_but_images_each_once() -> None:
    prompt = 'fix @src/app.py, see @docs/ and @"my notes.md"; ask @alice. not a@x.py, @a.png, @src/app.py'
    assert path_mentions(prompt) == ["src/app.py", "docs/", "my notes.md", "alice"]


def test_a_file_is_attached_as_a_context_block_marked_with_its_path(tmp_path: Path) -> None:
    workspace = repo(tmp_path)

    found = attach_all("what does @src/app.py return?", workspace)

    assert found.text == (
        "what does @src/app.py return?\n\n"
        '<context source="src/app.py">\ndef main():\n    return 42\n</context>'
    )
    assert found.attached == ("@src/app.py (2 lines)",)
    assert found.images == ()


def test_a_folder_is_attached_as_its_outline(tmp_path: Path) -> None:
    workspace = repo(tmp_path)

    found = attach_all("explain @src", workspace)

    block = found.text.split("\n\n", 1)[1]
    assert block.startswith('<context source="src/" kind="outline">\n')
    assert "class Helper" in block and "def main()" in block
    assert found.attached == ("@src (outline)",)


def test_missing_outside_and_symlinked_out_paths_stay_as_typed(tmp_path: Path) -> None:
    workspace = repo(tmp_path)
    (workspace.cwd / "link.txt").symlink_to(tmp_path / "secret.txt")
    prompt = "ask @alice about @nothing.py, @../secret.txt, @link.txt and @/etc/passwd"

    found = attach_all(prompt, workspace)

    assert found.text == prompt
    assert found.attached == ()


def test_binary_files_are_left_out_and_large_ones_cut(tmp_path: Path) -> None:
    workspace = repo(tmp_path)
    (workspace.cwd / "blob.bin").write_bytes(b"\x00\x01\x02" * 100)
    (workspace.cwd / "big.txt").write_text("".join(f"line {n}\n" for n in range(20_000)))

    found = attach_all("@blob.bin and @big.txt", workspace)

    assert "blob.bin" not in found.text.split("\n\n", 1)[1]
    block = found.text.split('<context source="big.txt">\n')[1]
    assert len(block) < MAX_FILE_CHARS + 200
    assert "more lines not attached; read them with read_file)\n</context>" in block
    assert len(found.attached) == 1 and found.attached[0].startswith("@big.txt (the first ")


def test_a_latin1_file_is_attached_as_text(tmp_path: Path) -> None:
    workspace = repo(tmp_path)
    (workspace.cwd / "old.py").write_bytes("name = 'Grüße'\n".encode("latin-1"))

    found = attach_all("@old.py", workspace)

    assert "name = 'Grüße'" in found.text

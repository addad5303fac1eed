"""Encodings in editor mode: the editor's buffers are text it encodes itself; a file the disk
answered for in another encoding goes back to the disk in that encoding."""

from __future__ import annotations

from pathlib import Path

from acp.schema import ReadTextFileResponse, WriteTextFileResponse

from vibe.acp.editor_fs import EditorFileSystem, EditorPaths, FileActivity, RecordingFileSystem
from vibe.tools.text_encoding import UTF8, DecodedText, TextEncoding

LATIN1 = TextEncoding("latin-1")


class BufferEditor:
    """An editor that serves its buffers and records what it was asked to write."""

    def __init__(self) -> None:
        self.buffers: dict[str, str] = {}
        self.written: dict[str, str] = {}

    async def read_text_file(
        self, session_id: str, path: str, line: int | None = None, limit: int | None = None
    ) -> ReadTextFileResponse:
        return ReadTextFileResponse(content=self.buffers[path])

    async def write_text_file(self, session_id: str, path: str, content: str) -> WriteTextFileResponse:
        self.written[path] = content
        return WriteTextFileResponse()


def editor_fs(tmp_path: Path, editor: BufferEditor, *, read: bool) -> EditorFileSystem:
    return EditorFileSystem(editor, EditorPaths(tmp_path, tmp_path), read=read, write=True)


async def test_text_read_through_the_editor_is_utf8_and_written_through_it(tmp_path: Path) -> None:
    path = tmp_path / "menu.txt"
    path.write_bytes("café\n".encode("latin-1"))
    editor = BufferEditor()
    editor.buffers[str(path)] = "café\n"  # the editor decoded the file itself
    fs = RecordingFileSystem(editor_fs(tmp_path, editor, read=True), FileActivity())
    assert await fs.read_text(path) == DecodedText("café\n", UTF8)
    await fs.write_text(path, "café au lait\n")
    assert editor.written == {str(path): "café au lait\n"}
    assert path.read_bytes() == "café\n".encode("latin-1")  # the editor saves its buffer


async def test_a_latin1_file_the_disk_answered_for_is_written_back_to_disk_as_latin1(tmp_path: Path) -> None:
    path = tmp_path / "menu.txt"
    path.write_bytes("café\n".encode("latin-1"))
    editor = BufferEditor()
    activity = FileActivity()
    fs = RecordingFileSystem(editor_fs(tmp_path, editor, read=False), activity)
    decoded = await fs.read_text(path)
    assert decoded == DecodedText("café\n", LATIN1)
    await fs.write_text(path, "crème\n", decoded.encoding)
    assert path.read_bytes() == "crème\n".encode("latin-1")
    assert editor.written == {}
    assert activity.take_write(path) == ("café\n", "crème\n")  # still shown as a diff

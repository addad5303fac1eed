"""read_file, edit and write_file on files that are not plain UTF-8: each file keeps its encoding and
BOM, every byte outside the change stays as it was, and text the encoding cannot hold is refused."""

from __future__ import annotations

import codecs
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from vibe.tools.base import Invocation, ToolContext, ToolResult
from vibe.tools.edit import EditArgs, EditTool
from vibe.tools.fs import MAX_TEXT_BYTES
from vibe.tools.large_file import MixedEncodingError, read_window
from vibe.tools.read_file import ReadFileTool
from vibe.tools.text_encoding import TextEncoding
from vibe.tools.write_file import WriteFileTool

LATIN1 = "# Café menu\r\nprice = 3  # déjà payé\r\nname = 'crème brûlée'\r\n"
UTF16_LE_BOM = TextEncoding("utf-16-le", bom=True)

RunTool = Callable[..., Awaitable[ToolResult]]


def stored(path: Path, text: str, encoding: TextEncoding) -> bytes:
    data = encoding.encode(text)
    path.write_bytes(data)
    return data


async def test_read_file_names_a_legacy_encoding_above_the_numbered_lines(
    run_tool: RunTool, tmp_path: Path
) -> None:
    stored(tmp_path / "menu.py", LATIN1, TextEncoding("latin-1"))
    result = await run_tool(ReadFileTool(), path="menu.py")
    assert result.ok
    assert result.output.splitlines() == [
        "(file encoding: Latin-1; edit and write_file keep it)",
        "     1\t# Café menu",
        "     2\tprice = 3  # déjà payé",
        "     3\tname = 'crème brûlée'",
    ]


@pytest.mark.parametrize(
    ("encoding", "label"),
    [
        (UTF16_LE_BOM, "UTF-16 LE with BOM"),
        (TextEncoding("utf-16-be", bom=True), "UTF-16 BE with BOM"),
        (TextEncoding("utf-16-le"), "UTF-16 LE"),
        (TextEncoding("utf-8", bom=True), "UTF-8 with BOM"),
        (TextEncoding("cp1252"), "Windows-1252"),
    ],
)
async def test_read_file_shows_the_text_of_each_encoding(
    run_tool: RunTool, tmp_path: Path, encoding: TextEncoding, label: str
) -> None:
    stored(tmp_path / "notes.txt", "“Smart” quotes\nline two\n", encoding)
    result = await run_tool(ReadFileTool(), path="notes.txt", offset=2)
    assert result.output == (
        f"(file encoding: {label}; edit and write_file keep it)\n"
        "     2\tline two"  # line numbers count the file's lines, not the note
    )


async def test_plain_utf8_gets_no_note(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("café\n", encoding="utf-8")
    assert (await run_tool(ReadFileTool(), path="a.txt")).output == "     1\tcafé"


async def test_editing_a_latin1_file_writes_latin1_and_keeps_every_other_byte(
    run_tool: RunTool, tmp_path: Path
) -> None:
    before = stored(tmp_path / "menu.py", LATIN1, TextEncoding("latin-1"))
    result = await run_tool(EditTool(), path="menu.py", old_string="price = 3", new_string="price = 4  # été")
    assert result.ok, result.output
    after = (tmp_path / "menu.py").read_bytes()
    assert after == before.replace(b"price = 3", "price = 4  # été".encode("latin-1"))
    assert b"\r\n" in after and b"\xc3" not in after  # CRLF kept, no UTF-8 crept in


async def test_editing_utf16_with_bom_keeps_bom_byte_order_and_line_endings(
    run_tool: RunTool, tmp_path: Path
) -> None:
    text = "[General]\r\nName=Zoë\r\nSize=10\r\n"
    stored(tmp_path / "app.ini", text, UTF16_LE_BOM)
    result = await run_tool(EditTool(), path="app.ini", old_string="Size=10", new_string="Size=12\nUnit=漢")
    assert result.ok, result.output
    expected = codecs.BOM_UTF16_LE + "[General]\r\nName=Zoë\r\nSize=12\r\nUnit=漢\r\n".encode("utf-16-le")
    assert (tmp_path / "app.ini").read_bytes() == expected


async def test_editing_keeps_a_utf8_bom_and_windows_1252(run_tool: RunTool, tmp_path: Path) -> None:
    bom = stored(tmp_path / "bom.cs", "class A {}\n", TextEncoding("utf-8", bom=True))
    smart = stored(tmp_path / "quotes.txt", "He said “hi” – then left.\n", TextEncoding("cp1252"))
    assert (await run_tool(EditTool(), path="bom.cs", old_string="A", new_string="B")).ok
    assert (await run_tool(EditTool(), path="quotes.txt", old_string="left", new_string="left €")).ok
    assert (tmp_path / "bom.cs").read_bytes() == bom.replace(b"A", b"B")
    assert (tmp_path / "quotes.txt").read_bytes() == smart.replace(b"left", b"left \x80")


@pytest.mark.parametrize("tool_name", ["edit", "write_file"])
async def test_characters_the_encoding_lacks_are_refused_and_nothing_is_written(
    run_tool: RunTool, tmp_path: Path, tool_name: str
) -> None:
    before = stored(tmp_path / "menu.py", LATIN1, TextEncoding("latin-1"))
    if tool_name == "edit":
        result = await run_tool(
            EditTool(), path="menu.py", old_string="price = 3", new_string="price = 3 €, 漢"
        )
    else:
        result = await run_tool(WriteFileTool(), path="menu.py", content=LATIN1 + "total = '3 €, 漢'\n")
    assert not result.ok
    assert result.output.startswith(
        'menu.py is Latin-1 text, which cannot hold "€" (U+20AC), "漢" (U+6F22); nothing was written.'
    )
    assert (tmp_path / "menu.py").read_bytes() == before


async def test_write_file_keeps_an_existing_files_encoding_and_writes_new_files_as_utf8(
    run_tool: RunTool, tmp_path: Path
) -> None:
    stored(tmp_path / "data.csv", "id;name\n", TextEncoding("utf-16-be", bom=True))
    assert (await run_tool(WriteFileTool(), path="data.csv", content="id;name\n1;Zoë\n")).ok
    expected = codecs.BOM_UTF16_BE + "id;name\n1;Zoë\n".encode("utf-16-be")
    assert (tmp_path / "data.csv").read_bytes() == expected
    assert (await run_tool(WriteFileTool(), path="new.txt", content="Zoë €\n")).ok
    assert (tmp_path / "new.txt").read_bytes() == "Zoë €\n".encode()


async def test_filling_an_empty_utf16_file_keeps_its_bom(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(codecs.BOM_UTF16_LE)
    assert (await run_tool(EditTool(), path="empty.txt", old_string="", new_string="hi\n")).ok
    assert (tmp_path / "empty.txt").read_bytes() == codecs.BOM_UTF16_LE + "hi\n".encode("utf-16-le")


async def test_a_file_converted_on_disk_after_prepare_is_not_clobbered(
    ctx: ToolContext, tmp_path: Path
) -> None:
    stored(tmp_path / "menu.py", LATIN1, TextEncoding("latin-1"))
    args = EditArgs(path="menu.py", old_string="price = 3", new_string="price = 4")
    prepared = await EditTool().prepare(args, ctx)
    assert isinstance(prepared, Invocation)
    (tmp_path / "menu.py").write_bytes(LATIN1.encode("utf-8"))  # same text, converted to UTF-8
    result = await prepared.execute()
    assert not result.ok and "changed on disk" in result.output
    assert (tmp_path / "menu.py").read_bytes() == LATIN1.encode("utf-8")


async def test_binary_files_are_still_refused_by_every_tool(run_tool: RunTool, tmp_path: Path) -> None:
    elf = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00>\x00" + bytes(48)
    (tmp_path / "prog").write_bytes(elf)
    read = await run_tool(ReadFileTool(), path="prog")
    edit = await run_tool(EditTool(), path="prog", old_string="ELF", new_string="ELG")
    write = await run_tool(WriteFileTool(), path="prog", content="x")
    assert (read.ok, edit.ok, write.ok) == (False, False, False)
    assert read.output == "prog is a binary file; it cannot be shown."
    assert (tmp_path / "prog").read_bytes() == elf


def lines_of(count: int) -> str:
    return "".join(f"ligne {n} - café\n" for n in range(1, count + 1))


@pytest.mark.parametrize(
    "encoding",
    [UTF16_LE_BOM, TextEncoding("utf-16-be", bom=True), TextEncoding("latin-1")],
    ids=lambda encoding: encoding.label,
)
def test_the_large_file_window_reads_utf16_and_latin1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: TextEncoding
) -> None:
    monkeypatch.setattr("vibe.tools.large_file._CHUNK_BYTES", 1001)  # odd: chunks split characters
    stored(tmp_path / "big.log", lines_of(3000), encoding)
    window = read_window(tmp_path / "big.log", 2998, 10, 2000)
    assert window.encoding == encoding
    assert window.total_lines == 3000
    assert [line.text for line in window.lines] == [f"ligne {n} - café" for n in (2998, 2999, 3000)]


def test_the_large_file_window_refuses_bytes_that_break_the_encoding_of_its_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("vibe.tools.large_file._CHUNK_BYTES", 1000)
    (tmp_path / "mixed.log").write_bytes(b"plain ascii\n" * 200 + "café\n".encode("latin-1"))
    with pytest.raises(MixedEncodingError) as raised:
        read_window(tmp_path / "mixed.log", 201, 1, 2000)
    assert raised.value.encoding.label == "UTF-8"


async def test_read_file_pages_through_a_huge_utf16_file(run_tool: RunTool, tmp_path: Path) -> None:
    line = "entrée " + "x" * 50 + "\r\n"  # 116 bytes in UTF-16
    count = MAX_TEXT_BYTES // 116 + 1000
    stored(tmp_path / "huge.txt", line * count, UTF16_LE_BOM)
    result = await run_tool(ReadFileTool(), path="huge.txt", offset=count - 1, limit=5)
    assert result.output.splitlines() == [
        "(file encoding: UTF-16 LE with BOM; edit and write_file keep it)",
        f"{count - 1:>6}\t{line.rstrip()}",
        f"{count:>6}\t{line.rstrip()}",
    ]

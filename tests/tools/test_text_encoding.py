"""Which encoding a file's bytes are in: the cases projects hold, and the binaries still refused."""

from __future__ import annotations

import codecs

import pytest

from vibe.tools.text_encoding import (
    UTF8,
    DecodedText,
    TextEncoding,
    UnencodableTextError,
    decode_text,
    detect_encoding,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00\x1f\xf3\xffa"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00>\x00\x01\x00\x00\x00\xb0\x10\x40\x00" + bytes(40)


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        pytest.param(b"", "", UTF8, id="empty"),
        pytest.param("café ☕\n".encode(), "café ☕\n", UTF8, id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + b"x\n", "x\n", TextEncoding("utf-8", bom=True), id="utf-8-bom"),
        pytest.param(
            codecs.BOM_UTF16_LE + "naïve 漢\r\n".encode("utf-16-le"),
            "naïve 漢\r\n",
            TextEncoding("utf-16-le", bom=True),
            id="utf-16-le-bom",
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + "naïve 漢\n".encode("utf-16-be"),
            "naïve 漢\n",
            TextEncoding("utf-16-be", bom=True),
            id="utf-16-be-bom",
        ),
        pytest.param(
            "[Settings]\r\nName=Zoë\r\n".encode("utf-16-le"),
            "[Settings]\r\nName=Zoë\r\n",
            TextEncoding("utf-16-le"),
            id="utf-16-le-no-bom",
        ),
        pytest.param("id,x\n1,y\n".encode("utf-16-be"), "id,x\n1,y\n", TextEncoding("utf-16-be"), id="be"),
        pytest.param(
            "“Quoted” – 5 €\n".encode("cp1252"), "“Quoted” – 5 €\n", TextEncoding("cp1252"), id="cp1252"
        ),
        pytest.param("café déjà\n".encode("latin-1"), "café déjà\n", TextEncoding("latin-1"), id="latin-1"),
        # 0x81 has no character in Windows-1252: only Latin-1 decodes it (as a C1 control).
        pytest.param(b"caf\xe9 \x81\n", "café \x81\n", TextEncoding("latin-1"), id="latin-1-c1"),
    ],
)
def test_text_is_decoded_with_its_encoding(data: bytes, text: str, encoding: TextEncoding) -> None:
    assert decode_text(data) == DecodedText(text, encoding)
    assert encoding.encode(text) == data  # writing the text back gives the very same bytes


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(PNG, id="png"),
        pytest.param(ELF, id="elf"),
        pytest.param(b"PK\x03\x04\x14\x00\x00\x00\x08\x00", id="zip"),
        pytest.param(bytes(range(1, 256)) * 8, id="random-bytes-without-nul"),
        pytest.param(b"text\x00with a nul\n", id="utf-8-with-nul"),
        pytest.param(codecs.BOM_UTF32_LE + "x\n".encode("utf-32-le"), id="utf-32"),
        pytest.param(bytes(range(32)) * 20, id="int16-table"),
    ],
)
def test_binary_is_refused(data: bytes) -> None:
    assert decode_text(data) is None


def test_the_head_of_a_large_file_may_end_inside_a_character() -> None:
    assert detect_encoding(b"a" * 99 + "é".encode()[:1]) == UTF8
    assert detect_encoding(codecs.BOM_UTF16_LE + "ab".encode("utf-16-le")[:3]) == TextEncoding(
        "utf-16-le", bom=True
    )
    assert detect_encoding(PNG) is None


def test_labels_name_the_encoding_and_its_bom() -> None:
    assert TextEncoding("utf-16-le", bom=True).label == "UTF-16 LE with BOM"
    assert TextEncoding("latin-1").label == "Latin-1"
    assert TextEncoding("cp1252").label == "Windows-1252"


def test_unencodable_characters_are_named_and_nothing_is_encoded() -> None:
    latin1 = TextEncoding("latin-1")
    assert latin1.unencodable("café costs 5 €, 漢字 €") == ["€", "漢", "字"]
    assert latin1.unencodable("café") == []
    with pytest.raises(UnencodableTextError) as raised:
        latin1.encode("5 €\udc80")
    assert raised.value.characters == ["€", "\udc80"]
    # A lone surrogate would break the JSON it is sent in: it is named by code point only.
    assert str(raised.value) == '"€" (U+20AC), U+DC80 cannot be stored in Latin-1'

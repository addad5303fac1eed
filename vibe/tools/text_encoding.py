"""Which text encoding a file's bytes are in, so text tools can read them and write them back alike.

Projects hold more than UTF-8: Windows tools write UTF-16 with a byte order mark, old sources and
data files are Latin-1 or Windows-1252. Only a few cases matter, and a wrong guess would let an
edit rewrite bytes the model never touched, so this is a small, predictable heuristic rather than
a statistical detector, in this order:

1. A byte order mark names the encoding (UTF-8, UTF-16 LE or BE).
2. No NUL in the first 8 KB and valid UTF-8: UTF-8, as before (git's and grep's rule for text).
3. NULs in every other byte: mostly-ASCII UTF-16 without a BOM (LE when the odd bytes are NUL).
4. No NUL at all, not UTF-8, and few control characters: a single-byte legacy encoding. It is
   Windows-1252 when the file uses the bytes 0x80-0x9F that only Windows-1252 makes printable
   (smart quotes, "€"), else Latin-1. Both decode every other byte alike; Latin-1 is the stricter
   choice for writing back, so a "€" cannot slip into a file other tools read as ISO-8859-1.

Anything else is binary. Every accepted decoding is exact: encoding the decoded text again gives
back the same bytes, so an edit changes only the bytes of the text it replaces. Other legacy
encodings (Shift-JIS, KOI8-R) look like Windows-1252 or Latin-1 here: their text shows garbled,
but still round-trips byte for byte.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

__all__ = ["UTF8", "DecodedText", "TextEncoding", "decode_text"]

# git and grep decide "binary" from the first 8 KB: so do the text tools.
SNIFF_BYTES = 8192
_BOMS = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
_LABELS = {
    "utf-8": "UTF-8",
    "utf-16-le": "UTF-16 LE",
    "utf-16-be": "UTF-16 BE",
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
}
# Control characters a text file does not hold. Tab, the line breaks, form feed (page breaks in
# old sources) and escape (colours in logs) are at home in text; NUL never is.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_WINDOWS_ONLY_BYTES = re.compile(b"[\x80-\x9f]")
# Enough unencodable characters to name in an error: the model can fix the rest by analogy.
_MAX_NAMED = 10


@dataclass(frozen=True, slots=True)
class TextEncoding:
    """How a file's text is stored. `codec` is a Python codec that neither writes nor strips a BOM;
    `bom` says whether the file starts with one."""

    codec: str
    bom: bool = False

    @property
    def label(self) -> str:
        """The name the model and the user read: "UTF-16 LE with BOM", "Latin-1"."""
        name = _LABELS.get(self.codec, self.codec)
        return f"{name} with BOM" if self.bom else name

    @property
    def bom_bytes(self) -> bytes:
        return _BOMS[self.codec] if self.bom else b""

    def encode(self, text: str) -> bytes:
        """`text` as the file's bytes; UnencodableTextError when some character has no bytes here."""
        try:
            body = text.encode(self.codec)
        except UnicodeEncodeError as exc:
            raise UnencodableTextError(self, self.unencodable(text)) from exc
        return self.bom_bytes + body

    def unencodable(self, text: str) -> list[str]:
        """The distinct characters of `text` this encoding cannot store, in order of appearance."""
        try:
            text.encode(self.codec)
        except UnicodeEncodeError:
            return [char for char in dict.fromkeys(text) if not _can_encode(char, self.codec)]
        return []


UTF8 = TextEncoding("utf-8")


class UnencodableTextError(ValueError):
    def __init__(self, encoding: TextEncoding, characters: list[str]) -> None:
        super().__init__(f"{describe_characters(characters)} cannot be stored in {encoding.label}")
        self.encoding = encoding
        self.characters = characters


@dataclass(frozen=True, slots=True)
class DecodedText:
    """A file's text and the encoding that turns it back into the file's bytes."""

    text: str
    encoding: TextEncoding = UTF8


def decode_text(data: bytes) -> DecodedText | None:
    """The text of a whole file's bytes, or None when they are binary."""
    return _decode(data, final=True)


def detect_encoding(head: bytes) -> TextEncoding | None:
    """The encoding of a file from its first bytes (which may end inside a character), or None
    when they are binary: for files too large to decode whole."""
    found = _decode(head, final=False)
    return None if found is None else found.encoding


def describe_characters(characters: list[str]) -> str:
    """`"€" (U+20AC), "漢" (U+6F22)`; a character that cannot be shown (a lone surrogate, a
    control) by its code point alone, since it would break the JSON or the terminal it goes to."""
    named = [
        f'"{char}" (U+{ord(char):04X})' if char.isprintable() else f"U+{ord(char):04X}"
        for char in characters[:_MAX_NAMED]
    ]
    if len(characters) > _MAX_NAMED:
        named.append(f"and {len(characters) - _MAX_NAMED} more")
    return ", ".join(named)


def _decode(data: bytes, *, final: bool) -> DecodedText | None:
    for codec, bom in _BOMS.items():
        if data.startswith(bom):
            text = _strict(data[len(bom) :], codec, final)
            if text is not None and (codec == "utf-8" or _looks_like_text(text)):
                return DecodedText(text, TextEncoding(codec, bom=True))
    sample = data[:SNIFF_BYTES]
    if b"\x00" not in sample:
        text = _strict(data, "utf-8", final)
        if text is not None:
            return DecodedText(text, UTF8)
        return _single_byte(data)
    return _utf16_without_bom(data, sample, final)


def _utf16_without_bom(data: bytes, sample: bytes, final: bool) -> DecodedText | None:
    # An ASCII character in UTF-16 is one NUL byte and one other: the NUL is the high byte, the
    # second of the pair in LE and the first in BE. Text where most characters are ASCII shows a
    # NUL in most pairs, all on the same side; binary data rarely keeps to one side, and the text
    # check (no NUL character, few controls) turns away the rest.
    pairs = len(sample) // 2
    for codec, high_bytes in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
        if pairs and high_bytes[:pairs].count(0) * 2 > pairs:
            text = _strict(data, codec, final)
            if text is not None and _looks_like_text(text):
                return DecodedText(text, TextEncoding(codec))
    return None


def _single_byte(data: bytes) -> DecodedText | None:
    if b"\x00" in data:
        return None
    codec = "latin-1"
    if _WINDOWS_ONLY_BYTES.search(data) is not None and _strict(data, "cp1252", True) is not None:
        codec = "cp1252"
    text = data.decode(codec)
    return DecodedText(text, TextEncoding(codec)) if _looks_like_text(text) else None


def _strict(data: bytes, codec: str, final: bool) -> str | None:
    """`data` decoded, or None when it is not in `codec`; unless `final`, `data` may end inside a
    character (the head of a file read in parts)."""
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(data, final)
    except UnicodeDecodeError:
        return None


def _looks_like_text(text: str) -> bool:
    # Random bytes decode to about one control character in eight; text has next to none.
    if "\x00" in text:
        return False
    controls = sum(1 for _ in _CONTROLS.finditer(text))
    return controls * 100 <= len(text)


def _can_encode(char: str, codec: str) -> bool:
    try:
        char.encode(codec)
    except UnicodeEncodeError:
        return False
    return True

"""The shared text guards: what reaches a terminal is inert, what a model reads of terminal
output has no escape sequences."""

from __future__ import annotations

import json

import pytest

from vibe.unicode_text import for_terminal, json_for_terminal, strip_escape_sequences, unfinished_escape_start


@pytest.mark.parametrize(
    ("sequence", "what"),
    [
        ("\x1b[1;31m", "CSI colour"),
        ("\x1b[2J", "CSI erase screen"),
        ("\x1b[?1049h", "CSI private mode"),
        ("\x9b31m", "8-bit CSI"),
        ("\x1b]52;c;cm0gLXJmIH4K\x07", "OSC 52 clipboard, BEL-ended"),
        ("\x1b]0;title\x1b\\", "OSC title, ST-ended"),
        ("\x1b]8;;https://example.org\x1b\\", "OSC 8 hyperlink"),
        ("\x1bP1$qm\x1b\\", "DCS query"),
        ("\x1b_apc payload\x1b\\", "APC string"),
        ("\x1bc", "RIS reset"),
        ("\x1b7", "save cursor"),
        ("\x1b(B", "charset designation"),
        ("\x1bM", "reverse index"),
    ],
)
def test_every_kind_of_escape_sequence_is_stripped_whole(sequence: str, what: str) -> None:
    assert strip_escape_sequences(f"a{sequence}b") == "ab", what


def test_text_without_escapes_is_returned_as_is() -> None:
    text = "plain\ttext\nwith é and 漢字"
    assert strip_escape_sequences(text) is text
    assert for_terminal(text) is text


@pytest.mark.parametrize("cut", ["\x1b", "\x1b[", "\x1b[1;3", "\x1b]52;c;abc", "\x1b(", "\x9b3"])
def test_a_sequence_cut_at_the_end_is_found(cut: str) -> None:
    assert unfinished_escape_start(f"done{cut}") == len("done")


def test_finished_text_has_no_unfinished_sequence() -> None:
    assert unfinished_escape_start("done\x1b[0m") is None


def test_for_terminal_makes_every_control_character_visible_and_inert() -> None:
    shown = for_terminal("Done\x1b]52;c;eA==\x07\x1bc\x9b1m\x7f\x00 end\r\nnext\rover")
    assert shown == "Done␛]52;c;eA==␇␛c\ufffd1m␡␀ end\nnextover"
    assert not any(ord(char) < 0x20 and char not in "\t\n" for char in shown)
    assert not any(0x7F <= ord(char) <= 0x9F for char in shown)


def test_json_for_terminal_escapes_del_and_c1_and_keeps_the_document() -> None:
    document = json.dumps({"text": "a\x9b31mb\x7fc\x85d é"}, ensure_ascii=False)
    safe = json_for_terminal(document)
    assert not any("\x7f" <= char <= "\x9f" for char in safe)
    assert json.loads(safe) == json.loads(document) and "é" in safe

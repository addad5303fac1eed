"""Text from outside made safe for where vibe writes it. Shared by every layer that takes text
from outside (model, tools, editor) and every frontend that shows it.

- Lone UTF-16 surrogates: Python holds a surrogate that has no partner as a character of its
  own (from a file name that is not UTF-8, from JSON that escaped half a pair: a server's stream,
  an editor's string cut inside an emoji). Written as it is, it breaks the event stream, the
  session file and the next request: `scrub`.
- Terminal control sequences: the model's answer, a file's content, a command's output or a
  tool call's title may carry escapes that would set the clipboard, retitle or reset the
  terminal, or hide text. The terminal is the user's, so everything shown there goes through
  `for_terminal`; what a model reads of a command's output goes through
  `strip_escape_sequences`. JSON escapes the C0 controls but not DEL and C1 (U+0080-U+009F,
  where the one-character CSI lives), so JSON written where a terminal may read it goes through
  `json_for_terminal`.
"""

from __future__ import annotations

import re

__all__ = [
    "for_terminal",
    "has_surrogates",
    "json_for_terminal",
    "scrub",
    "strip_escape_sequences",
    "unfinished_escape_start",
]

_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub(text: str) -> str:
    """`text` with surrogate pairs joined and lone surrogates replaced by U+FFFD."""
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def has_surrogates(text: str) -> bool:
    return _SURROGATE.search(text) is not None


# Terminal control sequences (ECMA-48), in the forms a terminal acts on:
# CSI (colours, cursor moves, erasing), 7-bit or as the C1 character U+009B;
# strings (OSC: titles, hyperlinks, the clipboard; DCS, SOS, PM, APC), ended by BEL or ST;
# and every other escape: nF (charset choice, `ESC ( B`) and two-character ones (`ESC c`
# resets the terminal, `ESC 7` saves the cursor).
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -/]*[0-~]"
)
# A sequence whose end has not arrived yet (streamed output cut between two chunks).
_UNFINISHED_ESCAPE = re.compile(
    r"(?:\x1b(?:\[[0-?]*[ -/]*|[\]PX^_][^\x07\x1b\x9c]*|[ -/]*)|\x9b[0-?]*[ -/]*)\Z"
)
_C1 = re.compile("[\x80-\x9f]")
# Control characters a terminal may act on: C0 but tab and line feed, DEL, C1.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_escape_sequences(text: str) -> str:
    """`text` without terminal control sequences (what a program wrote for a terminal, read as
    plain text: colours and cursor moves are noise to a model)."""
    if "\x1b" not in text and not _C1.search(text):
        return text
    return _ESCAPE_SEQUENCE.sub("", text)


def unfinished_escape_start(text: str) -> int | None:
    """Where a control sequence begins that `text` ends before finishing, if one does."""
    match = _UNFINISHED_ESCAPE.search(text)
    return match.start() if match else None


def for_terminal(text: str) -> str:
    """`text` safe to write to a terminal: every control character but tab and line feed is
    shown as a visible stand-in (ESC as ␛, BEL as ␇, a C1 character as �), so nothing in it can
    move the cursor, change the clipboard or reset the screen, and nothing is silently hidden.
    Carriage returns are dropped: one alone would let later text overwrite a line."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_visible, text.replace("\r", ""))


_DEL_AND_C1 = re.compile("[\x7f-\x9f]")


def json_for_terminal(document: str) -> str:
    """A JSON document with DEL and C1 characters written as \\u escapes: the same JSON (they
    can only occur inside strings), and nothing in it a terminal would act on."""
    if not _DEL_AND_C1.search(document):
        return document
    return _DEL_AND_C1.sub(lambda match: f"\\u{ord(match.group()):04x}", document)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode "control pictures": ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"

"""Whether a sed script only reads: no `w`/`W` (write a file), `e` (run a command), `s///w`, `s///e`.

The script is read the way GNU sed reads it: addresses (`/re/`, `\\cREc`, `N`, `$`, `first~step`,
`addr,+N`), `!`, then one command letter and its arguments. A regular expression ends at its
delimiter unless a backslash escapes it or it sits inside a bracket expression (`[/]`); text of
`a`/`i`/`c` and file names of `r`/`R`/`w`/`W` run to the end of the line; labels end at `;` or
a blank. Where sed could end a label, a flag list or a command sooner than assumed here, what
follows is read as more commands, so a mismatch can only find more, never less. A script that
cannot be read this way (an unknown command, an unterminated `s`) counts as not read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

_NO_ARGUMENT = frozenset("=dDgGhHnNpPxzF{}")
_NUMBER_ARGUMENT = frozenset("lLqQ")
_TEXT_TO_END_OF_LINE = frozenset("aic")
_LABEL = frozenset(":btTv")
_READS_FILE = frozenset("rR")
_EFFECTS = {"w": "writes a file (w)", "W": "writes a file (W)", "e": "runs a command (e)"}
_SEPARATORS = " \t;\n"


class _UnreadableError(Exception):
    pass


@dataclass
class _Reader:
    text: str
    at: int = 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def skip(self, characters: str) -> None:
        while self.peek() and self.peek() in characters:
            self.at += 1

    def digits(self) -> None:
        while self.peek().isdigit():
            self.at += 1

    def to_end_of_line(self, continued: bool = False) -> None:
        """Past the next newline; with `continued`, a backslash-newline does not end the line."""
        while self.at < len(self.text):
            char = self.text[self.at]
            self.at += 1
            if char == "\\" and continued:
                self.at += 1
            elif char == "\n":
                return

    def until(self, stops: str) -> None:
        while self.peek() and self.peek() not in stops:
            self.at += 1

    def regex(self, delimiter: str) -> None:
        """Past the end of a regular expression whose opening delimiter was just read."""
        self._past(delimiter, brackets=True, what="an unterminated regular expression")

    def _past(self, delimiter: str, *, brackets: bool, what: str) -> None:
        """Past the next unescaped `delimiter` on this line; in a regex, [...] may hold it."""
        while self.at < len(self.text):
            char = self.text[self.at]
            self.at += 1
            if char == "\\":
                self.at += 1
            elif char == delimiter:
                return
            elif char == "[" and brackets:
                self._bracket()
            elif char == "\n":
                break
        raise _UnreadableError(what)

    def _bracket(self) -> None:
        if self.peek() == "^":
            self.at += 1
        if self.peek() == "]":
            self.at += 1
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == "[" and self.text[self.at + 1 : self.at + 2] in (":", ".", "="):
                close = self.text.find(self.text[self.at + 1] + "]", self.at + 2)
                if close < 0:
                    break
                self.at = close + 2
                continue
            self.at += 1
            if char == "]":
                return
        raise _UnreadableError("an unterminated bracket expression")

    def literal(self, delimiter: str) -> None:
        """Past the end of a replacement or `y` part: only backslashes escape."""
        self._past(delimiter, brackets=False, what="an unterminated s or y command")


def sed_script_problem(script: str) -> str | None:
    """Why `script` may do more than read and print (its `w`, `W`, `e` or `s///w`/`e`), or None."""
    try:
        effects = sed_effects(script)
    except _UnreadableError as exc:
        return f"vibe cannot read the sed script ({exc})"
    if effects:
        return f"the sed script {effects[0]}"
    return None


def sed_effects(script: str) -> list[str]:
    """What the commands of `script` do beyond reading and printing; raises _UnreadableError."""
    reader = _Reader(script)
    found: list[str] = []
    while True:
        reader.skip(_SEPARATORS)
        if not reader.peek():
            return found
        if reader.peek() == "#":
            reader.to_end_of_line()
            continue
        _addresses(reader)
        command = reader.peek()
        reader.at += 1
        found.extend(_command(reader, command))


def _addresses(reader: _Reader) -> None:
    if not _address(reader):
        return
    reader.skip(" \t")
    if reader.peek() == ",":
        reader.at += 1
        reader.skip(" \t")
        if reader.peek() in ("+", "~"):
            reader.at += 1
            reader.digits()
        elif not _address(reader):
            raise _UnreadableError("a range without its end")
    reader.skip(" \t")
    while reader.peek() == "!":
        reader.at += 1
        reader.skip(" \t")


def _address(reader: _Reader) -> bool:
    char = reader.peek()
    if char.isdigit():
        reader.digits()
        if reader.peek() == "~":
            reader.at += 1
            reader.digits()
        return True
    if char == "$":
        reader.at += 1
        return True
    if char in ("/", "\\"):
        reader.at += 1
        delimiter = "/"
        if char == "\\":
            delimiter = reader.peek()
            reader.at += 1
        reader.regex(delimiter)
        reader.skip("IM")
        return True
    return False


def _command(reader: _Reader, command: str) -> list[str]:
    if command in _NO_ARGUMENT:
        return []
    if command in _NUMBER_ARGUMENT:
        reader.skip(" \t")
        reader.digits()
        return []
    if command in _TEXT_TO_END_OF_LINE:
        reader.to_end_of_line(continued=True)
        return []
    if command in _LABEL:
        reader.skip(" \t")
        reader.until(_SEPARATORS + "}")
        return []
    if command in _READS_FILE:
        reader.to_end_of_line()
        return []
    if command in _EFFECTS:
        reader.to_end_of_line()
        return [_EFFECTS[command]]
    if command == "s":
        return _substitute(reader)
    if command == "y":
        delimiter = reader.peek()
        reader.at += 1
        reader.literal(delimiter)
        reader.literal(delimiter)
        return []
    raise _UnreadableError(f"an unknown command {command!r}" if command else "a missing command")


def _substitute(reader: _Reader) -> list[str]:
    delimiter = reader.peek()
    if delimiter in ("", "\n", "\\"):
        raise _UnreadableError("an s command without a delimiter")
    reader.at += 1
    reader.regex(delimiter)
    reader.literal(delimiter)
    found: list[str] = []
    while True:
        reader.skip(" \t")
        flag = reader.peek()
        if flag == "e":
            found.append("runs the pattern space as a command (s///e)")
        elif flag == "w":
            reader.to_end_of_line()
            return [*found, "writes a file (s///w)"]
        elif not flag or flag not in "gpiImM0123456789":
            return found
        reader.at += 1

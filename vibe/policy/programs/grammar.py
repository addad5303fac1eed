"""Reading a command's options the way the program reads them, against an allow-list.

An `Options` table lists the options a program may take while it only reads and prints: short
letters (bundled as `-rn`, a value attached as `-k2` or given as the next word), long names (a
value as `--key=2` or the next word; an optional value only as `--color=always`), and `-NUM`
(`head -5`). Anything else is a problem: a letter or a name not in the table, and a long name
written shorter than in full. GNU programs take any unambiguous prefix of a long name
(`--outp` is `--output`), so a prefix is never trusted; a name written in full always means
itself, even when it also begins a longer name, so the exact names in a table are safe.

Words whose text is only known at run time (`$x`, `$(...)`, a pattern like `*` that may match a
file named `--output=x`, words `xargs` appends) may be any option. For a program whose options
include ones that write or run programs they are a problem wherever an option may stand: before
`--`, and anywhere for GNU programs, which read options after operands too. For an `inert`
program (no option of any implementation writes or runs anything) they are harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from vibe.policy.simple_command import Glob, Word

RUNTIME_WORD = "a word only known at run time"
_NOT_LISTED = "not among the options vibe knows"


# NamedTuples, not dataclasses: they are created several times faster, and these load with the
# first command judged.
class Options(NamedTuple):
    """The options of one program that only read. Names are written space-separated, without dashes."""

    flags: str = ""  # short letters without a value: "rn"
    valued: str = ""  # short letters that take a value: attached (-k2) or the next word (-k 2)
    attached: str = ""  # short letters whose optional value can only be attached (-M50%)
    long_flags: str = ""
    long_valued: str = ""  # --name=value or --name value
    long_optional: str = ""  # --name or --name=value (a next word is not its value)
    long_pairs: str = ""  # names that take the next two words (jq --arg NAME VALUE)
    numbers: bool = False  # -NUM is an option (head -5, git log -3)
    permute: bool = True  # options may follow operands (GNU); False: the first operand ends them
    inert: bool = False  # no option writes or runs: words known at run time are harmless
    anything: bool = False  # every word is data (echo, test): nothing to check


class _Compiled(NamedTuple):
    long_flags: frozenset[str]
    long_valued: frozenset[str]
    long_optional: frozenset[str]
    long_pairs: frozenset[str]


@cache
def _compile(options: Options) -> _Compiled:
    # Split on first use, not at import: start-up never pays for tables it does not consult.
    return _Compiled(
        frozenset(options.long_flags.split()),
        frozenset(options.long_valued.split()),
        frozenset(options.long_optional.split()),
        frozenset(options.long_pairs.split()),
    )


class Scan(NamedTuple):
    """A command's words read by a table: its options (with values), its operands, or a problem."""

    options: tuple[tuple[str, Word], ...] = ()
    operands: tuple[Word, ...] = ()
    problem: str | None = None
    # Index of the first word after the options (for tables with permute=False).
    end: int = 0

    def has(self, *names: str) -> bool:
        return any(name in names for name, _ in self.options)

    def values(self, *names: str) -> list[Word]:
        return [value for name, value in self.options if name in names]


def runtime_problem(word: Word, program: str) -> str | None:
    """Why `word`, standing where `program` reads options, may be any option; None if it cannot."""
    if word is None:
        return f"{RUNTIME_WORD} stands where {program} reads options (it may be one that writes or runs)"
    if isinstance(word, Glob) and word.may_be_option():
        return (
            f"the pattern `{word}` expands to file names, which {program} would read as options "
            "if a file is named like one (`--output=x`)"
        )
    return None


def scan(options: Options, words: Sequence[Word], program: str, start: int = 1) -> Scan:
    """Read `words[start:]` as `program` would with only the options of `options`."""
    if options.anything:
        return Scan(operands=tuple(words[start:]), end=start)
    table = _compile(options)
    found: list[tuple[str, Word]] = []
    operands: list[Word] = []
    only_operands = False
    end: int | None = None
    i = start
    while i < len(words):
        word = words[i]
        i += 1
        if only_operands:
            operands.append(word)
            continue
        problem = None if options.inert else runtime_problem(word, program)
        if problem is not None:
            return Scan(problem=problem)
        if word is None or word == "-" or not word.startswith("-"):
            operands.append(word)
            if not options.permute:
                only_operands, end = True, i - 1
            continue
        if word == "--":
            only_operands, end = True, i
            continue
        if word.startswith("--"):
            name, equals, value = word[2:].partition("=")
            if name in table.long_flags and not equals:
                found.append((f"--{name}", ""))
            elif name in table.long_optional:
                found.append((f"--{name}", value if equals else ""))
            elif name in table.long_valued:
                if not equals:
                    value_word, i = _next(words, i)
                    problem = _value_problem(value_word, word, options, program)
                    if problem is not None:
                        return Scan(problem=problem)
                    found.append((f"--{name}", value_word))
                else:
                    found.append((f"--{name}", value))
            elif name in table.long_pairs:
                first, i = _next(words, i)
                second, i = _next(words, i)
                for value_word in (first, second):
                    problem = _value_problem(value_word, word, options, program)
                    if problem is not None:
                        return Scan(problem=problem)
                found.append((f"--{name}", second))
            else:
                return Scan(problem=_unknown_long(word, name, table, program))
            continue
        body = word[1:]
        if options.numbers and body.isdigit():
            found.append((word, ""))
            continue
        for position, letter in enumerate(body):
            if letter in options.flags:
                found.append((f"-{letter}", ""))
                continue
            rest = body[position + 1 :]
            if letter in options.attached:
                found.append((f"-{letter}", rest))
            elif letter in options.valued:
                if not rest:
                    value_word, i = _next(words, i)
                    problem = _value_problem(value_word, f"-{letter}", options, program)
                    if problem is not None:
                        return Scan(problem=problem)
                    found.append((f"-{letter}", value_word))
                else:
                    found.append((f"-{letter}", rest))
            else:
                shown = f"`-{letter}`" + (f" (in `{word}`)" if len(body) > 1 else "")
                return Scan(problem=f"{shown} is {_NOT_LISTED} {program} to only read with")
            break
    return Scan(tuple(found), tuple(operands), end=len(words) if end is None else end)


def _next(words: Sequence[Word], i: int) -> tuple[Word, int]:
    # A missing value makes the program fail before it does anything: "" stands for it.
    return (words[i], i + 1) if i < len(words) else ("", i)


def _value_problem(value: Word, option: str, options: Options, program: str) -> str | None:
    """A value given as the next word that vibe cannot rely on being read as that option's value."""
    if options.inert:
        return None
    if value is None or (isinstance(value, Glob) and value.may_be_option()):
        # Unquoted, it may also split into several words, the later ones read as options.
        return f"the value of {option} is only known at run time (it may hold more options of {program})"
    if value.startswith("--") and len(value) > 2:
        # Read as the value only if the table is right that the option takes one: not relied on.
        return f"`{value}` follows {option}; vibe does not rely on {program} reading it as a value"
    return None


def _unknown_long(word: str, name: str, table: _Compiled, program: str) -> str:
    written = word.partition("=")[0]
    every = table.long_flags | table.long_valued | table.long_optional | table.long_pairs
    if name and any(known.startswith(name) for known in every):
        return (
            f"`{written}` is not among the options vibe knows {program} to only read with "
            "(if it is short for a longer name: vibe only accepts long options written in full)"
        )
    return f"`{written}` is not among the options vibe knows {program} to only read with"

"""Reading options against an allow-list the way getopt_long reads them."""

from __future__ import annotations

import pytest

from vibe.policy.programs.grammar import Options, scan
from vibe.policy.simple_command import Glob, Word

SORTISH = Options(
    flags="rnu",
    valued="kt",
    attached="M",
    long_flags="reverse numeric-sort",
    long_valued="key field-separator",
    long_optional="check color",
    long_pairs="arg",
    numbers=True,
)
INERT = Options(flags="n", valued="e", inert=True)
STOPS = Options(flags="v", valued="F", permute=False)


def read(options: Options, *words: Word) -> tuple[tuple[tuple[str, Word], ...], tuple[Word, ...], str | None]:
    found = scan(options, ("prog", *words), "prog")
    return found.options, found.operands, found.problem


@pytest.mark.parametrize(
    ("words", "options", "operands"),
    [
        (("-rn", "f"), (("-r", ""), ("-n", "")), ("f",)),
        (("-rk2", "f"), (("-r", ""), ("-k", "2")), ("f",)),
        (("-rk", "2", "f"), (("-r", ""), ("-k", "2")), ("f",)),
        (("--key=2", "--key", "3"), (("--key", "2"), ("--key", "3")), ()),
        (("--check", "f"), (("--check", ""),), ("f",)),  # an optional value never takes the next word
        (("--check=quiet",), (("--check", "quiet"),), ()),
        (("-M50%", "x"), (("-M", "50%"),), ("x",)),
        (("-5", "f"), (("-5", ""),), ("f",)),
        (("f", "-r"), (("-r", ""),), ("f",)),  # GNU programs read options after operands
        (("--", "-o", "--output=x"), (), ("-o", "--output=x")),
        (("-", "f"), (), ("-", "f")),
        (("--arg", "name", "value", "f"), (("--arg", "value"),), ("f",)),
    ],
)
def test_allowed_options_are_read_with_their_values(
    words: tuple[str, ...], options: tuple[tuple[str, str], ...], operands: tuple[str, ...]
) -> None:
    assert read(SORTISH, *words) == (options, operands, None)


@pytest.mark.parametrize(
    ("words", "named"),
    [
        (("-o", "f"), "`-o`"),
        (("-ro", "f"), "`-o` (in `-ro`)"),
        (("-rof",), "`-o` (in `-rof`)"),
        (("--output=f",), "`--output`"),
        (("--rev",), "`--rev`"),  # an abbreviation of --reverse: never trusted
        (("--reverse=yes",), "`--reverse`"),  # a flag given a value
        (("f", "--output", "g"), "`--output`"),
    ],
)
def test_anything_else_is_named_as_the_problem(words: tuple[str, ...], named: str) -> None:
    problem = read(SORTISH, *words)[2]
    assert problem is not None and problem.startswith(named), problem


def test_an_abbreviation_is_explained() -> None:
    problem = read(SORTISH, "--rev")[2]
    assert problem is not None and "written in full" in problem


@pytest.mark.parametrize(
    "words",
    [
        (None, "f"),
        ("f", None),  # after an operand too: GNU programs still read options there
        ("-k", None),  # a value unquoted may split into more options
        ("-k", Glob("*")),
        (Glob("*"),),
        (Glob("-*"),),
        (Glob("?x"),),
        (Glob("[a-]*"),),
        ("--key", "--output=x"),  # not relied on as the value
    ],
)
def test_words_known_at_run_time_where_options_may_stand_are_problems(words: tuple[Word, ...]) -> None:
    assert read(SORTISH, *words)[2] is not None


@pytest.mark.parametrize("words", [("--", None), ("--", Glob("*")), (Glob("src/*.py"),), (Glob("a*"),)])
def test_words_that_cannot_be_options_are_fine(words: tuple[Word, ...]) -> None:
    assert read(SORTISH, *words)[2] is None


def test_inert_programs_take_run_time_words_but_not_unknown_options() -> None:
    assert read(INERT, None, Glob("*"), "-e", None)[2] is None
    assert read(INERT, "-x")[2] is not None


def test_without_permuting_the_first_operand_ends_the_options() -> None:
    found = scan(STOPS, ("awk", "-F:", "{print}", "-v", None), "awk")
    assert found.problem is None
    assert found.options == (("-F", ":"),)
    assert found.operands == ("{print}", "-v", None)
    assert found.end == 2


def test_anything_tables_check_nothing() -> None:
    assert read(Options(anything=True), "--output=x", None, Glob("*"))[2] is None

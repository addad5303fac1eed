"""The edit matching ladder as pure functions: which rung matches, and what it would write."""

from __future__ import annotations

from vibe.tools.edit_match import (
    Ambiguous,
    Matched,
    NotFound,
    apply_replacements,
    closest_region,
    find_replacements,
    reindent,
)


def edited(text: str, old: str, new: str, *, replace_all: bool = False) -> tuple[str, str]:
    """(rung, resulting text) for a match that must succeed."""
    outcome = find_replacements(text, old, new, replace_all=replace_all)
    assert isinstance(outcome, Matched), outcome
    return outcome.rung, apply_replacements(text, outcome.replacements)


def test_exact_match_replaces_the_substring_only() -> None:
    assert edited("x = 1\ny = 2\n", "y = 2", "y = 3") == ("exact", "x = 1\ny = 3\n")


def test_exact_match_inside_a_line() -> None:
    assert edited("call(alpha, beta)\n", "alpha", "gamma") == ("exact", "call(gamma, beta)\n")


def test_several_exact_matches_are_ambiguous_and_report_their_lines() -> None:
    text = "a = 1\nb = 2\na = 1\n\na = 1\n"
    outcome = find_replacements(text, "a = 1", "a = 9")
    assert outcome == Ambiguous("exact", (1, 3, 5))


def test_ambiguous_lines_point_at_visible_text_not_a_leading_newline() -> None:
    outcome = find_replacements("x\nfoo\nx\nfoo\n", "\nfoo", "\nbar")
    assert outcome == Ambiguous("exact", (2, 4))


def test_replace_all_replaces_every_occurrence() -> None:
    rung, text = edited("a = 1\nb = a\na = 1\n", "a = 1", "a = 2", replace_all=True)
    assert (rung, text) == ("exact", "a = 2\nb = a\na = 2\n")


def test_trailing_whitespace_is_ignored_per_line() -> None:
    text = "def f():   \n    return 1\t\nend\n"
    rung, result = edited(text, "def f():\n    return 1", "def f():\n    return 2")
    assert rung == "trailing_whitespace"
    assert result == "def f():\n    return 2\nend\n"


def test_line_match_takes_the_newline_when_old_string_ends_with_one() -> None:
    text = "keep\ndrop me  \nkeep too\n"
    rung, result = edited(text, "drop me\n", "")
    assert rung == "trailing_whitespace"
    assert result == "keep\nkeep too\n"


def test_indentation_rung_reindents_the_replacement_deeper() -> None:
    text = (
        "class Box:\n"
        "    def size(self):\n"
        "        if self.empty:\n"
        "            return 0\n"
        "        return len(self.items)\n"
    )
    old = "if self.empty:\n    return 0\nreturn len(self.items)"
    new = "if self.empty:\n    return 0\nfor item in self.items:\n    pass\nreturn len(self.items)"
    rung, result = edited(text, old, new)
    assert rung == "indentation"
    assert result == (
        "class Box:\n"
        "    def size(self):\n"
        "        if self.empty:\n"
        "            return 0\n"
        "        for item in self.items:\n"
        "            pass\n"
        "        return len(self.items)\n"
    )


def test_indentation_rung_reindents_the_replacement_shallower() -> None:
    text = "def f():\n  x = 1\n  return x\n"
    old = "        x = 1\n        return x"
    new = "        x = 2\n        if x:\n            return x\n    # dedented note"
    rung, result = edited(text, old, new)
    assert rung == "indentation"
    assert result == "def f():\n  x = 2\n  if x:\n      return x\n# dedented note\n"


def test_reindent_keeps_blank_lines_and_handles_lines_shallower_than_old() -> None:
    assert reindent("a\n\n  b\nc", "  ", "    ") == "  a\n\n    b\n  c"
    assert reindent("\tx\ny", "\t", "\t\t") == "\t\tx\n\ty"


def test_the_first_rung_with_a_match_decides() -> None:
    text = "if a:\n    go()\nif b:\n        go()\n"
    assert find_replacements(text, "go()\n", "stop()\n") == Ambiguous("exact", (2, 4))
    outcome = find_replacements(text, "  go()  \n  done()", "x")
    assert isinstance(outcome, NotFound)


def test_indentation_rung_reports_ambiguity_with_line_numbers() -> None:
    text = "def a():\n    x = 1\n    y = 2\ndef b():\n  x = 1\n  y = 2\n"
    outcome = find_replacements(text, "x = 1\n y = 2", "z")
    assert outcome == Ambiguous("indentation", (2, 5))


def test_replace_all_reindents_each_match_to_its_own_indentation() -> None:
    text = "def a():\n    x = 1\ndef b():\n  x = 1\n"
    outcome = find_replacements(text, "\tx = 1", "\tx = 2", replace_all=True)
    assert isinstance(outcome, Matched)
    assert outcome.rung == "indentation"
    assert apply_replacements(text, outcome.replacements) == "def a():\n    x = 2\ndef b():\n  x = 2\n"


def test_whitespace_only_old_string_needs_an_exact_match() -> None:
    assert isinstance(find_replacements("a\n\nb\n", "   \n", "x"), NotFound)


def test_curly_quotes_in_the_file_match_ascii_old_string() -> None:
    text = "msg = “it’s done” — ok\n"
    rung, result = edited(text, 'msg = "it\'s done" - ok', "msg = 'finished'")
    assert (rung, result) == ("unicode", "msg = 'finished'\n")


def test_typographic_characters_only_the_model_used_are_written_as_ascii() -> None:
    text = 'print("hello")\nprint("bye")\n'
    rung, result = edited(text, "print(“hello”)", "print(“hello, world”)")
    assert (rung, result) == ("unicode", 'print("hello, world")\nprint("bye")\n')


def test_ellipsis_and_no_break_space_map_back_to_the_original_offsets() -> None:
    text = "a…b\u00a0c = 1\nrest\n"
    rung, result = edited(text, "a...b c = 1", "d = 2")
    assert (rung, result) == ("unicode", "d = 2\nrest\n")


def test_a_match_that_starts_inside_an_expanded_ellipsis_is_not_used() -> None:
    assert isinstance(find_replacements("wait… now\n", "..", "!"), NotFound)


def test_nothing_similar_is_not_found() -> None:
    assert isinstance(find_replacements("alpha\nbeta\n", "gamma", "delta"), NotFound)


def test_closest_region_finds_the_window_with_a_typo() -> None:
    lines = [f"line number {i} says {i * 7}" for i in range(1, 301)]
    text = "\n".join(lines) + "\n"
    old = "line number 150 says 1050\nline numbr 151 says 1057\nline number 152 says 1064"
    region = closest_region(text, old)
    assert region is not None
    assert (region.first, region.last) == (150, 152)
    assert 0.9 < region.similarity < 1.0


def test_closest_region_ignores_indentation_and_handles_short_files() -> None:
    region = closest_region("  one\n  two\n", "one\ntwo\nthree\nfour")
    assert region is not None
    assert (region.first, region.last) == (1, 2)
    assert closest_region("", "anything") is None

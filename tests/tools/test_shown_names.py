"""Names that could forge or disguise output lines are quoted; ordinary names are not."""

from __future__ import annotations

import pytest

from vibe.tools.shown_names import quote_name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("src/app.py", "src/app.py"),
        ("docs/é ü 名前.md", "docs/é ü 名前.md"),
        ('say "hi".txt', 'say "hi".txt'),  # a quote inside is harmless on one line
        ("evil\nsecret.py:1: x", '"evil\\nsecret.py:1: x"'),
        ("a\rb\tc", '"a\\rb\\tc"'),
        ("esc\x1b[31m.txt", '"esc\\x1b[31m.txt"'),
        ("line\u2028sep", '"line\\u2028sep"'),
        ("txt.\u202egnp", '"txt.\\u202egnp"'),  # a right-to-left override disguising the extension
        ('"quoted"\n', '"\\"quoted\\"\\n"'),
        ('"starts-with-quote', '"\\"starts-with-quote"'),
    ],
)
def test_names_are_quoted_only_when_they_could_mislead(name: str, shown: str) -> None:
    assert quote_name(name) == shown
    assert "\n" not in quote_name(name)

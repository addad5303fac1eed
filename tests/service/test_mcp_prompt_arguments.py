"""How the words typed after `/mcp__<server>__<prompt>` become the prompt's arguments: in the
order the prompt declares them, quotes grouping words, the last one taking the rest of the line
as typed; a missing required argument is one sentence naming it and showing the usage."""

from __future__ import annotations

import pytest

from vibe.service.host import ServiceError
from vibe.service.mcp_prompts import bind_arguments
from vibe.tools.source_prompts import PromptArgument, SourcePrompt

REVIEW = SourcePrompt(
    "git",
    "Review",
    "Review a change.",
    (PromptArgument("path", "the file", True), PromptArgument("focus", "", False)),
)


@pytest.mark.parametrize(
    ("typed", "bound"),
    [
        ("app.py", {"path": "app.py"}),
        ("app.py thread   safety", {"path": "app.py", "focus": "thread   safety"}),
        ('"my file.py" the "quoted" words', {"path": "my file.py", "focus": 'the "quoted" words'}),
        ('"unclosed quote', {"path": '"unclosed', "focus": "quote"}),
    ],
)
def test_words_fill_the_arguments_in_order(typed: str, bound: dict[str, str]) -> None:
    assert bind_arguments(REVIEW, typed) == bound


def test_one_argument_takes_the_whole_line() -> None:
    single = SourcePrompt("s", "ask", "", (PromptArgument("question", "", True),))
    assert bind_arguments(single, ' why is "this" slow? ') == {"question": 'why is "this" slow?'}


def test_a_missing_required_argument_names_it() -> None:
    with pytest.raises(ServiceError) as missing:
        bind_arguments(REVIEW, "   ")
    assert str(missing.value) == (
        "/mcp__git__review needs the argument 'path' (the file): "
        "type it after the command, as in /mcp__git__review <path> [focus]"
    )

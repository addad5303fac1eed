"""What the model reads about a call it wrote wrong: specific enough to fix it on the next turn."""

from __future__ import annotations

import pytest

from vibe.agent.malformed_calls import arguments_problem, unknown_tool_problem


@pytest.mark.parametrize(
    "raw",
    ['{"path": "a.txt", "content": "half a sent', '{"path": "a.txt", ', '{"path"', "["],
)
def test_arguments_cut_off_are_named_as_such(raw: str) -> None:
    problem = arguments_problem("write_file", raw)
    assert problem is not None
    assert "cut off" in problem and "output limit" in problem and "write_file" in problem


@pytest.mark.parametrize("raw", ["{'path': 'a'}", '{"path": "a"}}', "{path: a}"])
def test_other_invalid_json_says_where(raw: str) -> None:
    problem = arguments_problem("read_file", raw)
    assert problem is not None
    assert "not valid JSON" in problem and "at character" in problem and raw in problem


@pytest.mark.parametrize(("raw", "kind"), [('["a"]', "an array"), ('"a"', "a string"), ("null", "null")])
def test_json_that_is_not_an_object(raw: str, kind: str) -> None:
    assert f"must be a JSON object, not {kind}" in (arguments_problem("glob", raw) or "")


@pytest.mark.parametrize("raw", ['{"pattern": "*"}', "", "  "])
def test_a_json_object_or_nothing_is_fine(raw: str) -> None:
    assert arguments_problem("glob", raw) is None


def test_nesting_deeper_than_the_parser_is_a_problem_not_a_crash() -> None:
    assert "nested too deeply" in (arguments_problem("glob", "[" * 100_000 + "]" * 100_000) or "")


def test_a_call_without_a_name_lists_the_tools() -> None:
    assert unknown_tool_problem("", ["glob", "grep"]) == (
        "Your tool call has no tool name, so it was not run. Call one of these by name: glob, grep."
    )
    assert unknown_tool_problem("nope", ["glob"]) == "Unknown tool 'nope'. Available tools: glob."

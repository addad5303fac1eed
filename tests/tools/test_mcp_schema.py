"""What an MCP server says about its tools is untrusted: names and schemas are checked and made
acceptable to Mistral-compatible endpoints."""

from __future__ import annotations

import pytest

from vibe.tools.mcp.schema import MAX_SCHEMA_CHARS, UnusableToolError, normalise_schema, tool_name


def test_names_are_prefixed_with_the_server() -> None:
    assert tool_name("git", "git_status") == "mcp__git__git_status"


@pytest.mark.parametrize("bad", ["rm\x1b[2J", "a b", "ünïcode", "x" * 60, "", "../etc"])
def test_names_an_endpoint_would_refuse_are_left_out(bad: str) -> None:
    with pytest.raises(UnusableToolError) as caught:
        tool_name("git", bad)
    assert "\x1b" not in str(caught.value)


def test_refs_are_inlined_and_unknown_keywords_dropped() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {"Mode": {"type": "string", "enum": ["a", "b"], "x-internal": True}},
        "properties": {"mode": {"$ref": "#/$defs/Mode"}, "n": {"type": "integer", "examples": [1]}},
        "required": ["mode"],
    }
    assert normalise_schema(schema) == {
        "type": "object",
        "properties": {"mode": {"type": "string", "enum": ["a", "b"]}, "n": {"type": "integer"}},
        "required": ["mode"],
    }


def test_an_empty_schema_becomes_an_object_without_properties() -> None:
    assert normalise_schema({}) == {"type": "object", "properties": {}}


def test_a_self_referencing_schema_is_cut_off_not_followed_forever() -> None:
    schema = {
        "type": "object",
        "$defs": {"N": {"type": "object", "properties": {"next": {"$ref": "#/$defs/N"}}}},
    }
    schema["properties"] = {"head": {"$ref": "#/$defs/N"}}
    with pytest.raises(UnusableToolError, match="nests deeper"):
        normalise_schema(schema)


@pytest.mark.parametrize(
    ("schema", "why"),
    [
        ({"type": "string"}, "does not describe an object"),
        ([1, 2], "not a JSON object"),
        ({"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}}, "does not define"),
    ],
)
def test_schemas_that_are_not_objects_are_refused(schema: object, why: str) -> None:
    with pytest.raises(UnusableToolError, match=why):
        normalise_schema(schema)


def test_a_huge_schema_is_refused() -> None:
    properties = {
        f"p{n}": {"type": "string", "description": "d" * 100} for n in range(MAX_SCHEMA_CHARS // 100)
    }
    with pytest.raises(UnusableToolError, match="over"):
        normalise_schema({"type": "object", "properties": properties})

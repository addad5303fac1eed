"""An MCP tool result as the model reads it."""

from __future__ import annotations

import mcp_types

from vibe.tools.mcp.results import MAX_RESULT_CHARS, result_text


def test_text_images_and_links_become_text() -> None:
    result = mcp_types.CallToolResult(
        content=[
            mcp_types.TextContent(type="text", text="found 2"),
            mcp_types.ImageContent(type="image", data="aGk=", mime_type="image/png"),
            mcp_types.ResourceLink(type="resource_link", uri="file:///r.txt", name="r.txt"),
        ]
    )
    assert result_text(result) == (
        "found 2\n[image (image/png) not shown: this conversation takes text only]\n"
        "[resource link: file:///r.txt (r.txt)]"
    )


def test_structured_content_is_shown_when_no_text_says_it() -> None:
    result = mcp_types.CallToolResult(content=[], structured_content={"count": 2})
    assert result_text(result) == '{\n "count": 2\n}'


def test_an_empty_result_says_so_and_a_huge_one_is_capped() -> None:
    assert result_text(mcp_types.CallToolResult(content=[])) == "(no output)"
    big = "\n".join("y" * 80 for _ in range(5_000))
    capped = result_text(mcp_types.CallToolResult(content=[mcp_types.TextContent(type="text", text=big)]))
    assert len(capped) <= MAX_RESULT_CHARS + 100 and "omitted" in capped

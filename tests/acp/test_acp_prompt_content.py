"""Prompt content as editors send it: Zed names a selection or a symbol by its file URI with
the line range in the fragment, and the model must not take those lines for the whole file."""

from __future__ import annotations

from acp.schema import EmbeddedResourceContentBlock, ResourceContentBlock, TextResourceContents

from vibe.acp.prompt_text import prompt_text


def embedded(uri: str, text: str) -> EmbeddedResourceContentBlock:
    return EmbeddedResourceContentBlock(type="resource", resource=TextResourceContents(uri=uri, text=text))


def test_a_selection_keeps_its_line_range() -> None:
    selection = embedded("file:///w/calc.py#L2:3", "    return a - b\n    # end")
    assert prompt_text([selection]) == (
        '<context source="/w/calc.py" lines="2-3">\n    return a - b\n    # end\n</context>'
    )


def test_a_symbol_link_names_its_lines_and_a_plain_file_none() -> None:
    symbol = ResourceContentBlock(type="resource_link", name="add", uri="file:///w/calc.py?symbol=add#L1:2")
    line = ResourceContentBlock(type="resource_link", name="calc.py", uri="file:///w/calc.py#L7")
    whole = embedded("file:///w/a%20b.py", "x = 1")
    assert prompt_text([symbol, line, whole]) == (
        "[add](/w/calc.py) (lines 1-2) [calc.py](/w/calc.py) (line 7)\n"
        '<context source="/w/a b.py">\nx = 1\n</context>'
    )

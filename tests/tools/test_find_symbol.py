"""find_symbol: definitions and uses across files and languages, ranked and capped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from vibe.tools.base import ToolResult
from vibe.tools.code.symbol_search import MAX_USES
from vibe.tools.find_symbol import FindSymbolTool

RunTool = Callable[..., Awaitable[ToolResult]]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src" / "shop").mkdir(parents=True)
    (tmp_path / "src" / "shop" / "cart.py").write_text(
        "class Cart:\n"
        "    def total(self):\n"
        "        return sum(self.items)\n"
        "\n"
        "    def add(self, item):\n"
        "        # total is recomputed on demand; 'total' in a string is not a use either\n"
        "        self.items.append(item)\n"
        "        return self.total()\n"
    )
    (tmp_path / "app.py").write_text(
        "from src.shop.cart import Cart\n\ncart = Cart()\nprint(cart.total())\n\n\ndef total(values):\n"
        "    return sum(values)\n"
    )
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "cart.ts").write_text(
        "export class Cart {\n  total(): number { return 0; }\n}\nconst c = new Cart();\nc.total();\n"
    )
    (tmp_path / "notes.md").write_text("Cart total\n")
    return tmp_path


async def test_definitions_come_first_then_uses_nearest_files_first(run_tool: RunTool, project: Path) -> None:
    result = await run_tool(FindSymbolTool(), name="total")
    assert result.ok
    assert result.output.splitlines() == [
        "3 definitions of total:",
        "app.py:7: function total: def total(values):",
        "web/cart.ts:2: method Cart.total: total(): number",
        "src/shop/cart.py:2: method Cart.total: def total(self):",
        "3 lines using total:",
        "app.py:4: print(cart.total())",
        "web/cart.ts:5: c.total();",
        "src/shop/cart.py:8: return self.total()",
    ]


async def test_a_qualified_name_and_a_kind_narrow_the_definitions(run_tool: RunTool, project: Path) -> None:
    result = await run_tool(FindSymbolTool(), name="Cart.total")
    assert [line for line in result.output.splitlines() if "definition" not in line][:2] == [
        "web/cart.ts:2: method Cart.total: total(): number",
        "src/shop/cart.py:2: method Cart.total: def total(self):",
    ]
    result = await run_tool(FindSymbolTool(), name="Cart", kind="class", path="src")
    assert result.output.splitlines()[:3] == [
        "1 definition of class Cart:",
        "src/shop/cart.py:1: class Cart: class Cart:",
        "0 lines using Cart.",
    ]
    # A method is a function too.
    result = await run_tool(FindSymbolTool(), name="add", kind="function")
    assert "src/shop/cart.py:5: method Cart.add" in result.output


async def test_nothing_found_and_bad_arguments_are_plain_answers(run_tool: RunTool, project: Path) -> None:
    result = await run_tool(FindSymbolTool(), name="nowhere")
    assert result.ok and result.output == "No definition or use of nowhere in the 3 source files under .."
    for arguments, message in [
        ({"name": "cart total"}, "is not a symbol name"),
        ({"name": ".*"}, "use grep"),
        ({"name": ""}, "is not a symbol name"),
        ({"name": "Cart", "kind": "widget"}, "kind 'widget' is not one of: class, struct"),
        ({"name": "Cart", "path": "notes.md"}, "not in a language find_symbol knows"),
        ({"name": "Cart", "path": "../elsewhere"}, "outside the workspace"),
        ({"name": "Cart", "path": "missing"}, "missing does not exist"),
    ]:
        result = await run_tool(FindSymbolTool(), **arguments)
        assert not result.ok and message in result.output, arguments


async def test_many_uses_are_capped_with_a_count_of_the_rest(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "lib.go").write_text("package lib\n\nfunc Helper() int { return 1 }\n")
    for index in range(30):
        calls = "".join("\tHelper()\n" for _ in range(3))
        (tmp_path / f"use{index:02}.go").write_text(f"package lib\n\nfunc Use{index}() {{\n{calls}}}\n")
    result = await run_tool(FindSymbolTool(), name="Helper")
    lines = result.output.splitlines()
    assert lines[:3] == [
        "1 definition of Helper:",
        "lib.go:3: function Helper: func Helper() int",
        "90 lines using Helper:",
    ]
    assert len(lines) == 3 + MAX_USES + 1
    assert (
        lines[-1] == f"… {90 - MAX_USES} more lines in {30 - MAX_USES // 3} files not shown; narrow with path"
    )


async def test_odd_files_are_skipped_and_counted(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "real.c").write_text("int target(void) { return 0; }\n")
    (tmp_path / "blob.c").write_bytes(b"target\x00\x00\x00")
    (tmp_path / "bundle.js").write_text("function target(){return 1};" * 300)
    (tmp_path / "huge.py").write_text("target = 1\n" * 300_000)
    result = await run_tool(FindSymbolTool(), name="target")
    assert result.output.splitlines() == [
        "1 definition of target:",
        "real.c:1: function target: int target(void)",
        "0 lines using target.",
        "(files not read: 1 too large, 1 binary, 1 minified or generated)",
    ]


async def test_a_cpp_destructor_and_out_of_class_methods_are_found(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "box.hpp").write_text("class Box {\n public:\n  ~Box();\n  int size();\n};\n")
    (tmp_path / "box.cpp").write_text('#include "box.hpp"\nBox::~Box() {}\nint Box::size() { return 1; }\n')
    result = await run_tool(FindSymbolTool(), name="~Box")
    assert result.output.splitlines()[:3] == [
        "2 definitions of ~Box:",
        "box.cpp:2: function ~Box: Box::~Box()",
        "box.hpp:3: method Box.~Box: ~Box();",
    ]
    result = await run_tool(FindSymbolTool(), name="Box.size")
    assert result.output.splitlines()[:2] == [
        "1 definition of Box.size:",
        "box.hpp:4: method Box.size: int size();",
    ]

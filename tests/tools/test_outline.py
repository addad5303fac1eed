"""The outline tool: each language's symbols, nested and decorated; folders within a budget."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from vibe.tools.base import ToolResult
from vibe.tools.code.outline_text import MAX_FOLDER_CHARS
from vibe.tools.outline import OutlineTool

RunTool = Callable[..., Awaitable[ToolResult]]

# Each sample with nested and decorated (annotated, attributed) definitions, and the outline
# expected below its first line.
SAMPLES: dict[str, tuple[str, list[str]]] = {
    "shapes.py": (
        """import functools

LIMIT = 10


@functools.cache
def area(w: int,
         h: int) -> int:
    def helper():
        pass
    return w * h


class Shape(Base):
    @property
    def name(self) -> str:
        return "x"

    class Kind:
        def label(self):
            pass

    async def run(self):
        class Local:
            pass
""",
        [
            "3 variable LIMIT: LIMIT = 10",
            "6-11 function area: def area(w: int, h: int) -> int:",
            "14-25 class Shape: class Shape(Base):",
            "  15-17 method name: def name(self) -> str:",
            "  19-21 class Kind",
            "    20-21 method label: def label(self):",
            "  23-25 method run: async def run(self):",
        ],
    ),
    "shapes.ts": (
        """export interface Shape { area(): number; }
export type Id = string | number;
enum Color { Red, Green }
@Component({})
export class Circle implements Shape {
  constructor(private r: number) {}
  area(): number { return Math.PI * this.r ** 2; }
}
export const make = (r: number): Circle => {
  const helper = () => 1;
  return new Circle(r);
};
namespace NS { export function f() {} }
""",
        [
            "1 interface Shape: export interface Shape",
            "  1 method area: area(): number",
            "2 type Id: export type Id = string | number;",
            "3 enum Color",
            "4-8 class Circle: export class Circle implements Shape",
            "  6 method constructor: constructor(private r: number)",
            "  7 method area: area(): number",
            "9-12 function make: export const make = (r: number): Circle =>",
            "13 module NS: namespace NS",
            "  13 function f: function f()",
        ],
    ),
    "view.tsx": (
        "type Props = { n: number };\nexport function View(p: Props) {\n  return <div>{p.n}</div>;\n}\n",
        ["1 type Props: type Props = { n: number };", "2-4 function View: export function View(p: Props)"],
    ),
    "app.js": (
        "class A extends B {\n  constructor() { super(); }\n  get x() { return 1; }\n}\n"
        "function f() {}\nconst g = async (x) => x;\n",
        [
            "1-4 class A: class A extends B",
            "  2 method constructor: constructor()",
            "  3 method x: get x()",
            "5 function f: function f()",
            "6 function g: const g = async (x) => x;",
        ],
    ),
    "main.go": (
        "package main\n\nconst Max = 3\n\ntype Shape interface {\n\tArea() float64\n}\n\n"
        "type Circle struct {\n\tR float64\n}\n\nfunc (c *Circle) Area() float64 {\n\treturn c.R\n}\n",
        [
            "3 constant Max: const Max = 3",
            "5-7 interface Shape: type Shape interface",
            "  6 method Area: Area() float64",
            "9-11 struct Circle: type Circle struct",
            "13-15 method Area: func (c *Circle) Area() float64",
        ],
    ),
    "lib.rs": (
        "#[derive(Debug)]\npub struct Circle { r: f64 }\npub trait Shape {\n    fn area(&self) -> f64;\n}\n"
        "impl Shape for Circle {\n    fn area(&self) -> f64 { self.r }\n}\nmod inner { pub fn f() {} }\n",
        [
            "1-2 struct Circle: pub struct Circle",
            "3-5 trait Shape: pub trait Shape",
            "  4 method area: fn area(&self) -> f64;",
            "6-8 impl Circle: impl Shape for Circle",
            "  7 method area: fn area(&self) -> f64",
            "9 module inner: mod inner",
            "  9 function f: pub fn f()",
        ],
    ),
    "Shop.java": (
        "package a;\n@Entity\npublic class Shop {\n    public Shop() {}\n    @Override\n"
        '    public String toString() { return ""; }\n    interface Listener { void on(int e); }\n}\n',
        [
            "2-8 class Shop: @Entity public class Shop",
            "  4 method Shop: public Shop()",
            "  5-6 method toString: @Override public String toString()",
            "  7 interface Listener",
            "    7 method on: void on(int e);",
        ],
    ),
    "point.c": (
        "#define MAX 3\nstruct point { int x, y; };\nstatic int add(int a, int b) { return a + b; }\n"
        "char **names(void) { return 0; }\nint proto(int);\n",
        [
            "1 macro MAX: #define MAX 3",
            "2 struct point",
            "3 function add: static int add(int a, int b)",
            "4 function names: char **names(void)",
            "5 function proto: int proto(int);",
        ],
    ),
    "box.cpp": (
        "namespace geo {\ntemplate <typename T>\nclass Box {\n public:\n  ~Box();\n"
        "  T get() const { return v; }\n};\nint Box::size() { return 1; }\n}\n",
        [
            "1-9 module geo: namespace geo",
            "  3-7 class Box",
            "    5 method ~Box: ~Box();",
            "    6 method get: T get() const",
            "  8 function size: int Box::size()",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
async def test_each_language_outlines_its_nested_and_decorated_definitions(
    run_tool: RunTool, tmp_path: Path, name: str
) -> None:
    source, expected = SAMPLES[name]
    (tmp_path / name).write_text(source)
    result = await run_tool(OutlineTool(), path=name)
    assert result.ok, result.output
    head, *lines = result.output.splitlines()
    assert head.startswith(f"{name} (")
    assert lines == expected


async def test_a_file_with_syntax_errors_still_outlines_and_says_so(
    run_tool: RunTool, tmp_path: Path
) -> None:
    (tmp_path / "broken.py").write_text("def ok():\n    pass\n\ndef broken(:\n    pass\n")
    result = await run_tool(OutlineTool(), path="broken.py")
    assert "1-2 function ok: def ok():" in result.output
    assert result.output.endswith("(syntax errors from line 4: symbols around them may be missing)")


async def test_bad_paths_are_readable_errors(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("# notes\n")
    (tmp_path / "blob.py").write_bytes(b"\x00\x01\x02binary")
    for path, message in [
        ("notes.md", "notes.md is not in a language outline knows"),
        ("missing.py", "missing.py does not exist"),
        ("blob.py", "blob.py is a binary file"),
        ("/etc/hostname", "outside the workspace"),
    ]:
        result = await run_tool(OutlineTool(), path=path)
        assert not result.ok and message in result.output, path


async def test_a_symlink_out_of_the_workspace_is_refused(run_tool: RunTool, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (outside / "secret.py").write_text("def secret():\n    pass\n")
    (tmp_path / "link.py").symlink_to(outside / "secret.py")
    (tmp_path / "linked").symlink_to(outside)
    result = await run_tool(OutlineTool(), path="link.py")
    assert not result.ok and "outside the workspace" in result.output
    (tmp_path / "real.py").write_text("def real():\n    pass\n")
    result = await run_tool(OutlineTool(), path=".")
    assert "real.py" in result.output and "secret" not in result.output


async def test_a_folder_lists_top_level_symbols_nearest_first_skipping_ignored_and_odd_files(
    run_tool: RunTool, tmp_path: Path
) -> None:
    (tmp_path / ".gitignore").write_text("build/\n")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "gen.py").write_text("def generated():\n    pass\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.py").write_text("def hidden():\n    pass\n")
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "sub" / "deep.py").write_text("class Deep:\n    def method(self):\n        pass\n")
    (tmp_path / "pkg" / "mod.go").write_text("package pkg\n\nfunc Run() {}\n")
    (tmp_path / "top.py").write_text("CONSTANT = 1\n\ndef top():\n    pass\n")
    (tmp_path / "empty.py").write_text("import os\n")
    (tmp_path / "bundle.min.js").write_text("var a=function(){return 1};" * 400)
    (tmp_path / "latin1.py").write_bytes("def café():\n    return 'é'\n".encode("latin-1"))
    (tmp_path / "image.c").write_bytes(b"\x00" * 100)
    (tmp_path / "README.md").write_text("# readme\n")
    result = await run_tool(OutlineTool(), path=".")
    assert result.ok
    lines = result.output.splitlines()
    assert lines[:3] == ["latin1.py", "  1-2 function café: def café():", "top.py"]
    assert lines[3:9] == [
        "  3-4 function top: def top():",
        "pkg/mod.go",
        "  3 function Run: func Run()",
        "pkg/sub/deep.py",
        "  1-3 class Deep",
        "(1 files without definitions not listed)",
    ]
    assert lines[9] == "(files not read: 1 binary, 1 minified or generated)"
    for absent in ("gen.py", "hidden", "method", "CONSTANT", "README"):
        assert absent not in result.output


async def test_a_large_folder_stays_within_its_budget_and_says_what_is_left(
    run_tool: RunTool, tmp_path: Path
) -> None:
    for index in range(300):
        functions = "".join(f"def function_{index}_{n}(argument):\n    pass\n\n" for n in range(10))
        (tmp_path / f"module_{index:03}.py").write_text(functions)
    result = await run_tool(OutlineTool(), path=".")
    assert len(result.output) <= MAX_FOLDER_CHARS + 200
    last = result.output.splitlines()[-1]
    assert last.startswith("… ") and "more files not outlined (size budget reached)" in last
    shown = result.output.count("module_")
    assert int(last.split()[1]) == 300 - shown


async def test_a_huge_file_is_refused_with_a_way_forward(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "huge.py").write_text("x = 1\n" * 500_000)
    result = await run_tool(OutlineTool(), path="huge.py")
    assert not result.ok and "more than outline parses" in result.output and "grep" in result.output


async def test_deep_nesting_is_cut_not_recursed(run_tool: RunTool, tmp_path: Path) -> None:
    source = "".join("    " * depth + f"class C{depth}:\n" for depth in range(40)) + "    " * 40 + "pass\n"
    (tmp_path / "deep.py").write_text(source)
    result = await run_tool(OutlineTool(), path="deep.py")
    assert result.ok and "class C6" in result.output and "class C7" not in result.output


async def test_a_large_file_keeps_its_whole_shape_by_dropping_detail(
    run_tool: RunTool, tmp_path: Path
) -> None:
    def module(classes: int, methods: int) -> str:
        return "".join(
            f"class Service{c}:\n"
            + "".join(
                f"    def handle_{m}(self, request: dict[str, int], retries: int = 3) -> int:\n"
                "        return 1\n"
                for m in range(methods)
            )
            for c in range(classes)
        )

    (tmp_path / "medium.py").write_text(module(40, 8))
    lines = (await run_tool(OutlineTool(), path="medium.py")).output.splitlines()
    assert "  2-3 method handle_0" in lines and lines[-2] == "  679-680 method handle_7"
    assert lines[-1].startswith("(signatures of nested symbols left out to fit")
    (tmp_path / "large.py").write_text(module(150, 8))
    lines = (await run_tool(OutlineTool(), path="large.py")).output.splitlines()
    assert lines[1] == "1-17 class Service0" and lines[-2] == "2534-2550 class Service149"
    assert lines[-1] == "(1200 nested symbols left out to fit; read a class with read_file)"

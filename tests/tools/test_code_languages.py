"""Languages for the code tools: which file is which, every grammar loads, none loads early."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from vibe.tools.code.languages import (
    ParseGaveUpError,
    grammar,
    language_for,
    parse,
    supported_suffixes,
)

SAMPLES = {
    "a.py": "def f():\n    return 1\n",
    "a.pyi": "def f() -> int: ...\n",
    "a.js": "function f() { return 1; }\n",
    "a.jsx": "const A = () => <div>{1}</div>;\n",
    "a.mjs": "export const x = 1;\n",
    "a.ts": "const x: number = 1;\n",
    "a.tsx": "const A = (p: {n: number}) => <div>{p.n}</div>;\n",
    "a.go": "package a\n\nfunc F() int { return 1 }\n",
    "a.rs": "fn f() -> i32 { 1 }\n",
    "A.java": "class A { int f() { return 1; } }\n",
    "a.c": "int f(void) { return 1; }\n",
    "a.h": "struct point { int x; };\nint f(void);\n",
    "a.cpp": "namespace n { class A { public: int f() const { return 1; } }; }\n",
    "a.hpp": "template <typename T> T id(T v) { return v; }\n",
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_supported_language_parses_its_sample_cleanly(name: str) -> None:
    language = language_for(name)
    assert language is not None
    tree = parse(SAMPLES[name].encode(), language)
    assert not tree.root_node.has_error, name


def test_other_files_are_text_and_the_grammar_is_kept() -> None:
    assert language_for("README.md") is None
    assert language_for("Makefile") is None
    assert language_for("data.json") is None
    assert language_for("Main.JAVA") is not None  # suffixes are matched without case
    assert {".py", ".ts", ".tsx", ".go", ".rs", ".java", ".c", ".cpp", ".h"} <= supported_suffixes()
    python = language_for("x.py")
    assert python is not None
    assert grammar(python) is grammar(python)
    typescript, tsx = language_for("x.ts"), language_for("x.tsx")
    assert typescript is not None and tsx is not None and typescript.name != tsx.name


def test_a_parse_past_its_time_or_stopped_gives_up() -> None:
    python = language_for("x.py")
    assert python is not None
    source = b"def f():\n    return 1\n" * 20_000
    with pytest.raises(ParseGaveUpError):
        parse(source, python, seconds=0)
    with pytest.raises(ParseGaveUpError):
        parse(source, python, should_stop=lambda: True)


def test_no_grammar_is_imported_until_a_file_of_its_language_is_parsed(tmp_path: Path) -> None:
    """Start-up budget: building the tools and editing a text file load no grammar; editing a
    Python file loads Python's alone."""
    (tmp_path / "notes.txt").write_text("one\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    script = textwrap.dedent(
        """
        import asyncio, sys
        from pathlib import Path
        from vibe.agent.tool_specs import tool_specs
        from vibe.sandbox.base import NoSandbox
        from vibe.tools.base import Invocation, ToolContext
        from vibe.tools.builtin import builtin_registry
        from vibe.tools.fs import LocalFileSystem
        from vibe.tools.workspace import Workspace

        def grammars():
            return sorted(m for m in sys.modules if m.startswith("tree_sitter") and "." not in m)

        async def edit(registry, ctx, path, old, new):
            tool = registry.get("edit")
            args = tool.args_model.model_validate({"path": path, "old_string": old, "new_string": new})
            prepared = await tool.prepare(args, ctx)
            assert isinstance(prepared, Invocation)
            assert (await prepared.execute()).ok

        async def main():
            registry = builtin_registry()
            tool_specs(registry)
            ctx = ToolContext(Workspace.create(Path(sys.argv[1])), LocalFileSystem(), NoSandbox())
            await edit(registry, ctx, "notes.txt", "one", "two")
            print(grammars())
            await edit(registry, ctx, "app.py", "x = 1", "x = 2")
            print(grammars())

        asyncio.run(main())
        """
    )
    printed = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert printed == ["[]", "['tree_sitter', 'tree_sitter_python']"]

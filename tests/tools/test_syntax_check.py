"""The syntax check after edit and write_file: a write that breaks a file says so at once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from support.scripted_model import ScriptedModel, calls, text
from vibe.agent.approvals import HeadlessApprover, ModePolicy
from vibe.agent.budget import Pricing, RunLimits
from vibe.agent.loop import Agent, AgentSettings, SessionFacts
from vibe.messages import ToolMessage
from vibe.model.types import Sampling
from vibe.protocol import events as ev
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import ToolContext, ToolResult
from vibe.tools.builtin import builtin_registry
from vibe.tools.code.languages import language_for
from vibe.tools.code.syntax import new_problems
from vibe.tools.edit import EditTool
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace
from vibe.tools.write_file import WriteFileTool

RunTool = Callable[..., Awaitable[ToolResult]]

# (file, a valid text, an edit that breaks it: old, new, the line the error is reported on)
BREAKING_EDITS = [
    ("app.py", "def area(w, h):\n    return w * h\n", "return w * h", "return (w * h", 2),
    ("app.js", "function area(w, h) {\n  return w * h;\n}\n", "return w * h;\n}", "return w * h;\n", 2),
    ("app.ts", "const limit: number = 3;\nexport { limit };\n", "= 3;", "= ;", 1),
    ("view.tsx", "export const V = () => <div>hi</div>;\n", "<div>hi</div>", "<div>hi", 1),
    ("main.go", "package main\n\nfunc main() {\n\tx := 1\n\t_ = x\n}\n", "x := 1", "x := ", 5),
    ("lib.rs", "fn main() {\n    let x = 1;\n}\n", "let x = 1;", "let x = ;", 2),
    ("A.java", "class A {\n  int f() { return 1; }\n}\n", "return 1;", "return 1", 2),
    ("a.c", "int main(void) {\n  return 0;\n}\n", "return 0;", "return 0", 2),
    ("a.cpp", "class A {\n  int f();\n};\n", "int f();", "int f() int", 2),
]


@pytest.mark.parametrize(("name", "valid", "old", "new", "line"), BREAKING_EDITS)
async def test_an_edit_that_breaks_the_syntax_says_where(
    run_tool: RunTool, tmp_path: Path, name: str, valid: str, old: str, new: str, line: int
) -> None:
    (tmp_path / name).write_text(valid)
    result = await run_tool(EditTool(), path=name, old_string=old, new_string=new)
    assert result.ok  # reported, not refused: the model may be halfway through a larger change
    language = language_for(name)
    assert language is not None
    assert result.output.startswith(f"Syntax check: {name} now has 1 syntax error ({language.name})")
    assert f"line {line}, column " in result.output
    assert result.notice is not None and result.notice in result.output
    assert (tmp_path / name).read_text() != valid


async def test_the_report_names_the_column_and_shows_the_offending_line(
    run_tool: RunTool, tmp_path: Path
) -> None:
    (tmp_path / "a.c").write_text("int main(void) {\n  int ä = 0;\n  return ä;\n}\n")
    result = await run_tool(EditTool(), path="a.c", old_string="return ä;", new_string="return ä")
    # Column in characters, not bytes: "ä" is two bytes in UTF-8.
    assert '  line 3, column 11: missing ";"\n    return ä\n' in result.output + "\n"


async def test_a_valid_edit_and_a_text_file_get_no_note(run_tool: RunTool, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    result = await run_tool(EditTool(), path="app.py", old_string="x = 1", new_string="x = 2")
    assert result.notice is None and "Syntax" not in result.output
    (tmp_path / "notes.txt").write_text("def f(:\n")
    result = await run_tool(EditTool(), path="notes.txt", old_string="def f(:", new_string="def f((:")
    assert result.notice is None and result.ok


async def test_an_already_broken_file_left_no_worse_is_not_reported(
    run_tool: RunTool, tmp_path: Path
) -> None:
    broken = "def f(:\n    pass\n\nx = 1\n"
    (tmp_path / "app.py").write_text(broken)
    # An edit elsewhere, moving the broken line down: the old error is still the old error.
    result = await run_tool(
        EditTool(), path="app.py", old_string="def f(:", new_string="import os\n\ndef f(:"
    )
    assert result.ok and result.notice is None
    # A new error next to the old one is reported, and only the new one.
    result = await run_tool(EditTool(), path="app.py", old_string="x = 1", new_string="x = (1")
    assert result.notice is not None
    assert "1 syntax error" in result.notice and "x = (1" in result.notice and "def f" not in result.notice
    # Repairing the old error is not reported either.
    result = await run_tool(EditTool(), path="app.py", old_string="def f(:", new_string="def f():")
    assert "x = (1" not in (result.notice or "")


async def test_write_file_checks_new_and_replaced_files(run_tool: RunTool, tmp_path: Path) -> None:
    result = await run_tool(WriteFileTool(), path="new.rs", content="fn main() {\n")
    assert result.notice is not None and "line 1, column 1" in result.notice
    result = await run_tool(WriteFileTool(), path="new.rs", content="fn main() {}\n")
    assert result.notice is None


async def test_many_errors_are_listed_up_to_a_cap(run_tool: RunTool, tmp_path: Path) -> None:
    content = "".join(f"def f{n}(:\n    pass\n" for n in range(8))
    result = await run_tool(WriteFileTool(), path="many.py", content=content)
    assert result.notice is not None
    assert result.notice.count("\n  line ") == 3 and "… and 5 more" in result.notice


def test_pathological_and_huge_inputs_are_checked_safely() -> None:
    python = language_for("x.py")
    assert python is not None
    deep = "x = " + "(" * 50_000 + "1" + ")" * 50_000 + "\n"
    assert new_problems(None, deep, python) == []
    assert len(new_problems(None, "x = " + "[" * 50_000 + "\n", python)) == 1
    # Past the parse limit a file is not checked at all (a generated file, a data dump).
    huge = "x = (\n" * 500_000
    assert new_problems(None, huge, python) == []


async def test_the_model_reads_the_note_through_the_dispatcher(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def area(w, h):\n    return w * h\n")
    model = ScriptedModel(
        calls(("edit", {"path": "app.py", "old_string": "return w * h", "new_string": "return (w * h"})),
        text("I will fix it"),
    )
    agent = Agent(
        model=model,
        tools=builtin_registry(),
        tool_context=ToolContext(
            workspace=Workspace.create(tmp_path), fs=LocalFileSystem(), sandbox=NoSandbox()
        ),
        policy=ModePolicy("accept-edits"),
        approver=HeadlessApprover(),
        settings=AgentSettings(
            sampling=Sampling(model="m"), system_prompt="test", limits=RunLimits(), pricing=Pricing()
        ),
        facts=SessionFacts(
            session_id="s1",
            resumed=False,
            cwd=str(tmp_path),
            workspace_roots=[str(tmp_path)],
            model="m",
            provider="p",
            base_url="http://127.0.0.1:1/v1",
            permission_mode="accept-edits",
            sandbox="none",
        ),
    )
    events = [event async for event in agent.run("break it")]
    tool_message = next(m for m in model.requests[1] if isinstance(m, ToolMessage))
    assert tool_message.content.startswith("Syntax check: app.py now has 1 syntax error (python)")
    assert "line 2, column 5" in tool_message.content
    finished = next(e for e in events if isinstance(e, ev.ToolCallFinished))
    assert finished.status == "ok" and finished.diff
    assert finished.notice is not None and finished.notice in finished.output

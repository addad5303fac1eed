"""Editing through `vibe acp`: permissions granted and rejected, and files read and written
through the editor's buffers."""

from __future__ import annotations

from acp.schema import ContentToolCallContent, FileEditToolCallContent, TextContentBlock
from editor_harness import FakeEditor, prompt_blocks, run_agent_process, set_project_mode

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

BUGGY = "def add(a, b):\n    return a - b\n"
FIXED = "def add(a, b):\n    return a + b\n"
CHECK = "python3 -c 'print(\"checked\")'"
FIX_CALL = {"path": "calc.py", "old_string": "return a - b", "new_string": "return a + b"}


def text_of(content: object) -> str:
    assert isinstance(content, ContentToolCallContent) and isinstance(content.content, TextContentBlock)
    return content.content.text


async def test_edit_task_with_permission_granted(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "ask")
    vibe_env.fake.script(
        reply(
            "Let me plan.",
            tool_calls=[
                call("todo", {"todos": [{"content": "Fix add", "status": "in_progress"}]}),
                call("read_file", {"path": "calc.py"}),
            ],
        ),
        reply(tool_calls=[call("edit", FIX_CALL)]),
        reply(tool_calls=[call("bash", {"command": CHECK})]),
        reply("Fixed `add`."),
    )
    editor = FakeEditor(permission="allow-once")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix add"))

    assert response.stop_reason == "end_turn"
    assert (vibe_env.repo / "calc.py").read_text() == FIXED
    calc = str(vibe_env.repo / "calc.py")
    starts = {(s.kind, s.title): s for s in editor.tool_starts()}
    assert set(starts) == {
        ("think", "Update plan"),
        ("read", "Read calc.py"),
        ("edit", "Edit calc.py"),
        ("execute", CHECK),
    }
    read = starts[("read", "Read calc.py")]
    assert [loc.path for loc in read.locations or []] == [calc]
    assert read.raw_input == {"path": "calc.py"}
    assert starts[("edit", "Edit calc.py")].raw_input == FIX_CALL

    # The plan from the todo tool.
    [plan] = editor.of_kind("plan")
    assert [(e.content, e.status) for e in plan.entries] == [("Fix add", "in_progress")]

    # Two questions (the edit, the command), each about a call the editor had already been shown.
    edit_id = starts[("edit", "Edit calc.py")].tool_call_id
    bash_id = starts[("execute", CHECK)].tool_call_id
    assert [asked.tool_call.tool_call_id for asked in editor.permissions] == [edit_id, bash_id]
    assert editor.permissions[0].option_ids == ["allow-once", "allow-always", "reject-once", "reject-always"]
    asked = editor.permissions[0].tool_call
    assert (asked.kind, asked.title, asked.raw_input) == ("edit", "Edit calc.py", FIX_CALL)
    [proposed] = asked.content or []
    assert isinstance(proposed, FileEditToolCallContent)
    assert (proposed.path, proposed.old_text, proposed.new_text) == (calc, BUGGY, FIXED)
    assert CHECK in text_of((editor.permissions[1].tool_call.content or [])[0])

    # The edit finished as a diff of the real old and new text.
    final = editor.tool_updates(edit_id)[-1]
    assert final.status == "completed"
    [diff] = final.content or []
    assert isinstance(diff, FileEditToolCallContent)
    assert (diff.path, diff.old_text, diff.new_text) == (calc, BUGGY, FIXED)

    # The command's output streamed into its tool call before it finished.
    bash_updates = editor.tool_updates(bash_id)
    streamed = [u for u in bash_updates if u.status == "in_progress" and u.content]
    assert streamed and "checked" in text_of(streamed[0].content[0])  # type: ignore[index]
    assert bash_updates[-1].status == "completed"
    assert "exit code: 0" in text_of((bash_updates[-1].content or [])[0])
    assert editor.agent_text() == "Let me plan.Fixed `add`."
    assert not vibe_env.fake.script_exhausted


async def test_rejected_edit_leaves_the_file_untouched(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "ask")
    vibe_env.fake.script(reply(tool_calls=[call("edit", FIX_CALL)]), reply("Understood, I left it."))
    editor = FakeEditor(permission="reject-once")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix add"))

    assert response.stop_reason == "end_turn"
    assert (vibe_env.repo / "calc.py").read_text() == BUGGY
    [start] = editor.tool_starts()
    assert len(editor.permissions) == 1
    final = editor.tool_updates(start.tool_call_id)[-1]
    assert final.status == "failed"
    assert "Denied" in text_of((final.content or [])[0])
    assert vibe_env.fake.requests[1].tool_results[0].startswith("Denied: rejected by the user")
    assert editor.agent_text() == "Understood, I left it."


async def test_files_are_read_and_written_through_the_editors_buffers(vibe_env: VibeEnv) -> None:
    unsaved = "def add(a, b):\n    return a - b  # unsaved\n"
    edited = "def add(a, b):\n    return a + b  # unsaved\n"
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": "calc.py"})]),
        reply(
            tool_calls=[
                call(
                    "edit",
                    {
                        "path": "calc.py",
                        "old_string": "return a - b  # unsaved",
                        "new_string": "return a + b  # unsaved",
                    },
                )
            ]
        ),
        reply(tool_calls=[call("write_file", {"path": "notes.md", "content": "# Notes\n"})]),
        reply("Done."),
    )
    # The editor opened the project through a symlink (as macOS's /tmp is): it must be asked
    # about files by the paths it knows, not by their resolved form.
    opened = vibe_env.repo.parent / "project-link"
    opened.symlink_to(vibe_env.repo, target_is_directory=True)
    calc = opened / "calc.py"
    editor = FakeEditor(buffers={calc: unsaved})
    async with run_agent_process(vibe_env, editor, fs=True) as (conn, _process):
        session = await conn.new_session(cwd=str(opened), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix add"))

    assert response.stop_reason == "end_turn"
    # The model read the editor's unsaved buffer, not the disk.
    assert "# unsaved" in vibe_env.fake.requests[1].tool_results[0]
    # Writes went to the editor; the disk is untouched (accept-edits: no question asked).
    assert editor.writes == [(calc, edited), (opened / "notes.md", "# Notes\n")]
    assert set(editor.reads) == {calc, opened / "notes.md"}
    assert (vibe_env.repo / "calc.py").read_text() == BUGGY
    assert not (vibe_env.repo / "notes.md").exists()
    assert editor.permissions == []
    edit = next(s for s in editor.tool_starts() if s.kind == "edit" and s.title == "Edit calc.py")
    [diff] = editor.tool_updates(edit.tool_call_id)[-1].content or []
    assert isinstance(diff, FileEditToolCallContent)
    assert (diff.path, diff.old_text, diff.new_text) == (str(calc), unsaved, edited)
    create = next(s for s in editor.tool_starts() if s.title == "Create notes.md")
    [created] = editor.tool_updates(create.tool_call_id)[-1].content or []
    assert isinstance(created, FileEditToolCallContent)
    assert (created.old_text, created.new_text) == (None, "# Notes\n")


async def test_always_allow_names_the_rule_stores_it_and_stops_asking(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": "mkdir -p build/one"})]),
        reply(tool_calls=[call("bash", {"command": "mkdir -p build/two"})]),
        reply("done"),
    )
    editor = FakeEditor(permission="allow-always")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("run it"))
    assert response.stop_reason == "end_turn"
    [asked] = editor.permissions  # the second command matched the stored rule: no question
    assert asked.option_names[1] == "Always allow: mkdir"
    assert (vibe_env.repo / "build" / "two").is_dir()
    stored = (vibe_env.repo / ".vibe" / "config.toml").read_text()
    assert 'pattern = "mkdir"' in stored and 'action = "allow"' in stored


async def test_an_edit_that_breaks_the_syntax_shows_the_note_after_its_diff(vibe_env: VibeEnv) -> None:
    set_project_mode(vibe_env, "accept-edits")
    (vibe_env.repo / "calc.py").write_text(BUGGY)
    breaking = {"path": "calc.py", "old_string": "return a - b", "new_string": "return (a + b"}
    vibe_env.fake.script(reply(tool_calls=[call("edit", breaking)]), reply("Oops."))
    editor = FakeEditor(permission="allow-once")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("change add"))

    [edit] = editor.tool_starts()
    final = editor.tool_updates(edit.tool_call_id)[-1]
    assert final.status == "completed"
    diff, note = final.content or []
    assert isinstance(diff, FileEditToolCallContent)
    assert text_of(note).startswith("Syntax check: calc.py now has 1 syntax error (python)")
    assert "line 2, column 5" in text_of(note)

"""Real `vibe -p` runs doing coding work in temp git repos against the scripted endpoint."""

from __future__ import annotations

import subprocess

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

BUGGY = "def add(a, b):\n    return a - b\n"
TEST = "from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
CHECK = "python3 -c 'from test_calc import test_add; test_add(); print(\"tests pass\")'"


def test_fixes_a_bug_with_read_edit_and_bash(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "calc.py").write_text(BUGGY)
    (vibe_env.repo / "test_calc.py").write_text(TEST)
    vibe_env.fake.script(
        reply("Let me look.", tool_calls=[call("read_file", {"path": "calc.py"})]),
        reply(
            tool_calls=[
                call("edit", {"path": "calc.py", "old_string": "return a - b", "new_string": "return a + b"})
            ]
        ),
        reply(tool_calls=[call("bash", {"command": CHECK})]),
        reply("Fixed `add`: it subtracted. The test passes now."),
    )
    run = vibe_env.run("-p", "fix the failing test", "--auto-approve", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    assert (vibe_env.repo / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"
    finished = run.of_type("tool_call_finished")
    assert [(e["tool"], e["status"]) for e in finished] == [
        ("read_file", "ok"),
        ("edit", "ok"),
        ("bash", "ok"),
    ]
    assert "return a - b" in finished[0]["output"]
    assert "+    return a + b" in finished[1]["diff"]
    assert "tests pass" in finished[2]["output"] and "exit code: 0" in finished[2]["output"]
    result = run.result
    assert (result["status"], result["stop_reason"], result["turns"]) == ("success", "end_turn", 4)
    assert result["final_text"] == "Fixed `add`: it subtracted. The test passes now."
    assert result["tool_calls"] == {"read_file": 1, "edit": 1, "bash": 1}
    # What the model was sent: the tool results, in order, answering its calls.
    requests = vibe_env.fake.requests
    assert "     2\t    return a - b" in requests[1].tool_results[0]
    assert not vibe_env.fake.script_exhausted


def test_text_output_prints_the_answer_on_stdout_and_progress_on_stderr(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("glob", {"pattern": "*.md"})]), reply("One markdown file."))
    run = vibe_env.run("-p", "list docs")
    assert run.returncode == 0
    assert run.stdout == "One markdown file.\n"
    assert "*.md" in run.stderr


def test_json_output_is_one_result_object(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("All good."))
    run = vibe_env.run("-p", "hi", "--output", "json")
    assert run.returncode == 0
    assert run.result["final_text"] == "All good."
    assert run.result["session_id"]


def test_non_ascii_files_are_created_and_edited_as_utf8(vibe_env: VibeEnv) -> None:
    content = "# Café ☕\nprint('こんにちは 🌍')\nname = “quoted”\n"
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "docs/intl.py", "content": content})]),
        reply(
            tool_calls=[
                call("edit", {"path": "docs/intl.py", "old_string": "こんにちは", "new_string": "さようなら"})
            ]
        ),
        # Straight quotes where the file has curly ones: the punctuation rung must find it.
        reply(
            tool_calls=[
                call(
                    "edit",
                    {"path": "docs/intl.py", "old_string": 'name = "quoted"', "new_string": "name = «ok»"},
                )
            ]
        ),
        reply("Done."),
    )
    run = vibe_env.run("-p", "write the file", "--output", "stream-json")
    assert run.returncode == 0
    written = (vibe_env.repo / "docs" / "intl.py").read_bytes().decode("utf-8")
    assert written == "# Café ☕\nprint('さようなら 🌍')\nname = «ok»\n"
    assert [e["status"] for e in run.of_type("tool_call_finished")] == ["ok", "ok", "ok"]


def test_failed_edits_leave_the_file_untouched_and_tell_the_model(vibe_env: VibeEnv) -> None:
    original = "x = 1\ny = 2\nx = 1\n"
    (vibe_env.repo / "v.py").write_text(original)
    vibe_env.fake.script(
        reply(tool_calls=[call("edit", {"path": "v.py", "old_string": "z = 3", "new_string": "z = 4"})]),
        reply(tool_calls=[call("edit", {"path": "v.py", "old_string": "x = 1", "new_string": "x = 9"})]),
        reply("I could not apply the edits."),
    )
    run = vibe_env.run("-p", "edit", "--output", "stream-json")
    assert run.returncode == 0
    assert (vibe_env.repo / "v.py").read_text() == original
    not_found = vibe_env.fake.requests[1].tool_results[0]
    ambiguous = vibe_env.fake.requests[2].tool_results[-1]
    assert "not found" in not_found.lower() and "y = 2" in not_found
    assert "2 times" in ambiguous and "1" in ambiguous and "3" in ambiguous
    assert [e["status"] for e in run.of_type("tool_call_finished")] == ["error", "error"]


def test_shell_commands_are_denied_headless_without_auto_approve(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": "touch created-by-bash"})]),
        reply("I was not allowed to run it."),
    )
    run = vibe_env.run("-p", "run it", "--output", "json")
    assert run.returncode == 0
    assert not (vibe_env.repo / "created-by-bash").exists()
    [denied] = run.result["denied"]
    assert (denied["tool"], denied["arguments"]) == ("bash", {"command": "touch created-by-bash"})
    assert vibe_env.fake.requests[1].tool_results[0].startswith("Denied:")


def test_paths_outside_the_workspace_are_refused(vibe_env: VibeEnv) -> None:
    outside = vibe_env.repo.parent / "outside.txt"
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "../outside.txt", "content": "nope"})]),
        reply("Refused."),
    )
    run = vibe_env.run("-p", "escape", "--auto-approve")
    assert run.returncode == 0
    assert not outside.exists()
    assert "outside the workspace" in vibe_env.fake.requests[1].tool_results[0]


def test_agents_md_reaches_the_system_prompt_and_no_machine_facts_do(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "AGENTS.md").write_text("Always use tabs.")
    (vibe_env.home / "AGENTS.md").write_text("Answer in French.")
    vibe_env.fake.script(reply("Oui."))
    assert vibe_env.run("-p", "hi").returncode == 0
    system = vibe_env.fake.requests[0].messages[0]
    assert system["role"] == "system"
    assert "Always use tabs." in system["content"] and "Answer in French." in system["content"]
    hostname = subprocess.run(["hostname"], capture_output=True, text=True, check=False).stdout.strip()
    assert str(vibe_env.repo) not in system["content"]
    assert not hostname or hostname not in system["content"]


def test_prompt_from_stdin_and_from_a_file(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("from stdin"), reply("from file"))
    assert vibe_env.run("-p", stdin="what is in stdin?").stdout == "from stdin\n"
    assert vibe_env.fake.requests[0].last_user_text == "what is in stdin?"
    prompt_file = vibe_env.repo / "task.md"
    prompt_file.write_text("task from a file")
    assert vibe_env.run("--prompt-file", str(prompt_file)).stdout == "from file\n"
    assert vibe_env.fake.requests[1].last_user_text == "task from a file"


def test_context_window_is_taken_from_the_endpoints_model_list(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("hi"))
    run = vibe_env.run("-p", "hi", "--output", "stream-json")
    started = run.of_type("session_started")[0]
    assert (started["model"], started["context_window"]) == ("devstral-test", 131072)
    assert started["schema_version"] == 1
    info = started["sandbox_info"]
    assert info["confined"] and info["backend"] in ("bubblewrap", "landlock")
    assert started["sandbox"].startswith(f"confined by {info['backend']}")


def test_add_dir_extends_the_workspace(vibe_env: VibeEnv) -> None:
    extra = vibe_env.repo.parent / "shared-lib"
    extra.mkdir()
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": str(extra / "note.txt"), "content": "shared"})]),
        reply("written"),
    )
    run = vibe_env.run("-p", "write to the shared folder", "--add-dir", str(extra), "--output", "json")
    assert run.returncode == 0
    assert (extra / "note.txt").read_text() == "shared"
    missing = vibe_env.run("-p", "x", "--add-dir", str(extra / "missing"))
    assert missing.returncode == 2 and "no such folder" in missing.stderr

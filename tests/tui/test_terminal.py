"""The real `vibe` binary in a pseudo-terminal: type a prompt, approve an edit, see it on disk."""

from __future__ import annotations

import re
from pathlib import Path

import pexpect

from tools.fake_mistral import FakeMistral, call, reply
from tui.harness import make_env

BUGGY = "def add(a, b):\n    return a - b\n"


def test_vibe_in_a_terminal_answers_and_applies_an_approved_edit(tmp_path: Path) -> None:
    with FakeMistral() as fake:
        env = make_env(tmp_path, fake, {"calc.py": BUGGY})
        env.ask_mode()
        fix = call("edit", {"path": "calc.py", "old_string": "return a - b", "new_string": "return a + b"})
        fake.script(reply("Fixing it.", tool_calls=[fix]), reply("Fixed-the-sign."))
        child = env.spawn_in_terminal(tmp_path, size=(40, 120))
        try:
            child.expect("devstral-test")  # the status line: the prompt is ready
            child.send("fix add")
            child.send("\r")
            child.expect("Allow once")
            child.send("1")
            child.expect("Fixed-the-sign")
            assert (env.repo / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"
            child.sendcontrol("c")
            child.sendcontrol("c")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        assert child.exitstatus == 0


def test_a_bad_setting_ends_with_one_line_on_stderr_and_exit_code_2(tmp_path: Path) -> None:
    """The engine loads after the first frame, so the TUI opens, closes, and then says why."""
    with FakeMistral() as fake:
        env = make_env(tmp_path, fake)
        (env.repo / ".vibe").mkdir()
        (env.repo / ".vibe" / "config.toml").write_text('permission_mode = "sometimes"\n')
        child = env.spawn_in_terminal(tmp_path, size=(40, 120))
        try:
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        assert child.exitstatus == 2
        # What is left on the terminal once the TUI has gone (it left the alternate screen).
        assert isinstance(child.before, str)
        after_tui = child.before.rpartition("\x1b[?1049l")[2]
        lines = [line for line in re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z]", "", after_tui).splitlines() if line]
        assert len(lines) == 1 and lines[0].startswith("vibe: invalid setting 'permission_mode'")

"""Ctrl+G and /edit: the prompt in the user's own editor, in a real terminal."""

from __future__ import annotations

import stat
from pathlib import Path

import pexpect

from tools.fake_mistral import FakeMistral, reply
from tui.harness import make_env


def fake_editor(tmp_path: Path) -> Path:
    """An "editor" that appends a line to the file it is given, as a user would type one."""
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "-- written in the editor" >> "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_ctrl_g_hands_the_prompt_to_the_editor_and_sends_what_it_saved(tmp_path: Path) -> None:
    with FakeMistral() as fake:
        env = make_env(tmp_path, fake)
        fake.script(reply("got-it"))
        child = env.spawn_in_terminal(tmp_path, extra_env={"EDITOR": str(fake_editor(tmp_path))})
        try:
            child.expect("devstral-test")
            child.send("draft line")
            child.expect("draft line")  # in the prompt before it is handed over
            child.sendcontrol("g")
            child.expect("written in the editor")
            child.send("\r")
            child.expect("got-it")
            child.sendcontrol("c")
            child.sendcontrol("c")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)
        assert fake.requests[0].last_user_text == "draft line\n-- written in the editor"


def test_without_an_editor_the_prompt_stays_and_the_user_is_told(tmp_path: Path) -> None:
    with FakeMistral() as fake:
        env = make_env(tmp_path, fake)
        child = env.spawn_in_terminal(tmp_path, extra_env={"EDITOR": "", "VISUAL": ""})
        try:
            child.expect("devstral-test")
            child.send("/edit")
            child.send("\r")
            child.expect(r"set \$VISUAL or \$EDITOR")
            child.sendcontrol("c")
            child.sendcontrol("c")
            child.expect(pexpect.EOF)
        finally:
            child.close(force=True)

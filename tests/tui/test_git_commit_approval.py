"""git_commit in the terminal UI: the approval modal shows the message and the staged diff, and
the commit happens when the user allows it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from textual.widgets import Static

from support.git_repos import isolate_git
from tools.fake_mistral import call, reply
from tui.harness import SIZE, TuiEnv, send, wait_for, wait_idle
from vibe.tui.approval import ApprovalScreen


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


async def test_the_modal_shows_the_commit_and_allowing_it_commits(
    tui_env: TuiEnv, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    isolate_git(monkeypatch, tmp_path)
    (tui_env.repo / "notes.txt").write_text("remember the milk\n")
    tui_env.fake.script(
        reply(tool_calls=[call("git_commit", {"message": "Add notes", "paths": ["notes.txt"]})]),
        reply("Committed."),
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "commit the notes")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        screen = app.screen
        assert isinstance(screen, ApprovalScreen)
        assert screen.request.title.endswith(": Add notes")
        shown = "\n".join(str(widget.render()) for widget in screen.query(Static))
        assert "with the message:" in shown and "+remember the milk" in shown
        assert git(tui_env.repo, "log", "--all", "--format=%s") == ""  # asking committed nothing
        await pilot.press("1")
        await wait_idle(pilot)
    assert git(tui_env.repo, "log", "--format=%an|%s").strip() == "Test User|Add notes"

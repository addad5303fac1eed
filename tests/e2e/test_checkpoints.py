"""Checkpoints end to end: the real vibe process edits and runs shell commands, then `vibe undo`
and `vibe redo` (real processes too) take the workspace back and forth, byte for byte."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

# path → (bytes, mode bits); a symlink → (its target, -1)
State = dict[str, tuple[bytes, int]]

SHELL_WORK = (
    "rm old.txt && mv data.txt moved.txt && sed -i s/alpha/beta/ moved.txt"
    " && mkdir -p deep/er/est && printf '\\000\\001\\377bin' > deep/er/est/blob.bin"
    " && chmod +x script.sh && echo more >> keep.log"
)


def tree_state(root: Path, *, skip_git: bool = True) -> State:
    """Every file under `root` (bytes and mode bits) and every symlink (its target)."""
    state: State = {}
    for folder, dirs, files in os.walk(root):
        if skip_git:
            dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            path = Path(folder) / name
            relative = str(path.relative_to(root))
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                state[relative] = (os.fsencode(path.readlink()), -1)
            else:
                state[relative] = (path.read_bytes(), stat.S_IMODE(info.st_mode))
    return state


def seed(root: Path, *, git: bool) -> None:
    files = {
        "notes.txt": "first line\n",
        "old.txt": "to be removed\n",
        "data.txt": "alpha\nomega\n",
        "script.sh": "#!/bin/sh\necho hi\n",
        ".gitignore": "*.log\n",
        "keep.log": "ignored, the user's\n",
    }
    for name, content in files.items():
        (root / name).write_text(content, encoding="utf-8")
    if git:
        subprocess.run(["git", "add", "."], cwd=root, check=True)
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "seed"],
            cwd=root,
            check=True,
        )


def script_one_prompt(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": "notes.txt"})]),
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "rewritten\n"})]),
        reply(tool_calls=[call("bash", {"command": SHELL_WORK})]),
        reply("done"),
    )


@pytest.mark.parametrize("git", [True, False], ids=["git-repository", "plain-folder"])
def test_undo_restores_byte_for_byte_and_redo_reapplies(vibe_env: VibeEnv, git: bool) -> None:
    if not git:
        subprocess.run(["rm", "-rf", str(vibe_env.repo / ".git")], check=True)
    seed(vibe_env.repo, git=git)
    before = tree_state(vibe_env.repo)
    git_before = tree_state(vibe_env.repo / ".git", skip_git=False) if git else {}
    script_one_prompt(vibe_env)

    run = vibe_env.run("-p", "change things", "--auto-approve", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    created = run.of_type("checkpoint_created")
    assert len(created) == 1, "one checkpoint per prompt, before its first change"
    after = tree_state(vibe_env.repo)
    assert after["deep/er/est/blob.bin"][0] == b"\x00\x01\xffbin"
    assert after["moved.txt"][0] == b"beta\nomega\n"
    assert after["script.sh"][1] & 0o100, "the mode bit changed"

    # No terminal to ask on: nothing happens without --yes.
    refused = vibe_env.run("undo")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert tree_state(vibe_env.repo) == after

    undone = vibe_env.run("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    restored = tree_state(vibe_env.repo)
    # keep.log is ignored: the user's, never rewritten (it keeps the line added during the run).
    assert restored.pop("keep.log") == after["keep.log"]
    expected = dict(before)
    expected.pop("keep.log")
    assert restored == expected
    assert not (vibe_env.repo / "deep").exists()
    if git:
        assert tree_state(vibe_env.repo / ".git", skip_git=False) == git_before

    redone = vibe_env.run("redo", "--yes")
    assert redone.returncode == 0, redone.stderr
    assert tree_state(vibe_env.repo) == after


def test_a_run_that_changes_nothing_takes_no_checkpoint(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("read_file", {"path": "README.md"})]), reply("read it"))
    run = vibe_env.run("-p", "look", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    assert run.of_type("checkpoint_created") == []
    assert not (vibe_env.home / "checkpoints").exists()


def test_undo_steps_back_one_prompt_at_a_time_across_continue(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "a.txt").write_text("a0\n", encoding="utf-8")
    (vibe_env.repo / "b.txt").write_text("b0\n", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": "a1\n"})]), reply("ok")
    )
    assert vibe_env.run("-p", "first").returncode == 0
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "b.txt", "content": "b1\n"})]), reply("ok")
    )
    assert vibe_env.run("-c", "-p", "second").returncode == 0

    listed = json.loads(vibe_env.run("checkpoints", "list", "--output", "json").stdout)
    assert [c["kind"] for c in listed] == ["prompt", "prompt"]
    assert len({c["session_id"] for c in listed}) == 1, "-c continues the session"

    assert vibe_env.run("undo", "--yes").returncode == 0
    assert (vibe_env.repo / "a.txt").read_text() == "a1\n"
    assert (vibe_env.repo / "b.txt").read_text() == "b0\n"
    assert vibe_env.run("undo", "--yes").returncode == 0
    assert (vibe_env.repo / "a.txt").read_text() == "a0\n"
    nothing = vibe_env.run("undo", "--yes")
    assert nothing.returncode == 1 and "nothing more to undo" in nothing.stderr
    assert vibe_env.run("redo", "--yes").returncode == 0
    assert (vibe_env.repo / "a.txt").read_text() == "a1\n"
    assert (vibe_env.repo / "b.txt").read_text() == "b0\n"


def test_files_the_user_changed_after_the_prompt_are_kept_unless_forced(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "a.txt").write_text("a0\n", encoding="utf-8")
    (vibe_env.repo / "b.txt").write_text("b0\n", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": "a1\n"})]),
        reply(tool_calls=[call("write_file", {"path": "b.txt", "content": "b1\n"})]),
        reply("ok"),
    )
    assert vibe_env.run("-p", "edit both").returncode == 0
    (vibe_env.repo / "b.txt").write_text("mine\n", encoding="utf-8")

    undone = vibe_env.run("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert "b.txt" in undone.stdout and "kept" in undone.stdout.lower()
    assert (vibe_env.repo / "a.txt").read_text() == "a0\n"
    assert (vibe_env.repo / "b.txt").read_text() == "mine\n"

    # The undo itself can be taken back, then undone again with --force.
    assert vibe_env.run("redo", "--yes").returncode == 0
    assert (vibe_env.repo / "a.txt").read_text() == "a1\n"
    assert vibe_env.run("undo", "--yes", "--force").returncode == 0
    assert (vibe_env.repo / "b.txt").read_text() == "b0\n"


def test_checkpoint_events_reach_the_session_and_the_audit_log(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "n.txt", "content": "x\n"})]), reply("ok")
    )
    run = vibe_env.run("-p", "write", "--output", "stream-json")
    (created,) = run.of_type("checkpoint_created")
    audit = [json.loads(line) for line in (vibe_env.home / "audit.jsonl").read_text().splitlines()]
    assert any(
        r.get("event") == "checkpoint_created" and r["checkpoint_id"] == created["checkpoint_id"]
        for r in audit
    )
    sessions = list((vibe_env.home / "sessions").rglob("*.jsonl"))
    records = [json.loads(line) for path in sessions for line in path.read_text().splitlines()]
    assert any(r.get("kind") == "checkpoint_created" for r in records)
    diff = vibe_env.run("checkpoints", "diff", created["checkpoint_id"])
    assert diff.returncode == 0 and "n.txt" in diff.stdout


def test_a_checkpoint_that_cannot_be_taken_is_said_and_the_change_goes_on(vibe_env: VibeEnv) -> None:
    (vibe_env.home / "checkpoints").write_text("a file where the store should be", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "n.txt", "content": "x\n"})]), reply("ok")
    )
    run = vibe_env.run("-p", "write", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    assert run.of_type("checkpoint_created") == []
    (warning,) = run.of_type("error")
    assert "cannot be undone" in warning["message"] and not warning["fatal"]
    assert (vibe_env.repo / "n.txt").read_text() == "x\n"


def test_restore_by_id_and_prune_from_the_command_line(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "a.txt").write_text("a0\n", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": "a1\n"})]), reply("ok")
    )
    run = vibe_env.run("-p", "edit", "--output", "stream-json")
    (created,) = run.of_type("checkpoint_created")
    restored = vibe_env.run("checkpoints", "restore", created["checkpoint_id"], "--yes")
    assert restored.returncode == 0, restored.stderr
    assert (vibe_env.repo / "a.txt").read_text() == "a0\n"
    listed = vibe_env.run("checkpoints", "list")
    assert created["checkpoint_id"] in listed.stdout and "restore" in listed.stdout
    pruned = vibe_env.run("checkpoints", "prune")
    assert pruned.returncode == 0 and "Removed 0 checkpoint(s)" in pruned.stdout

"""`vibe undo`, `vibe redo` and `vibe checkpoints restore` (real processes) write each restore
down where the checkpoint was: a `checkpoint_restored` record in the session file and a line in
the audit log."""

from __future__ import annotations

import json
from typing import Any

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply
from vibe.session.records import FORMAT


def lines(path: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_command_line_restores_are_recorded_in_the_session_and_the_audit_log(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / "a.txt").write_text("a0\n", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": "a1\n"})]), reply("ok")
    )
    run = vibe_env.run("-p", "change a", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    (created,) = run.of_type("checkpoint_created")
    session_id = run.of_type("result")[0]["session_id"]

    assert vibe_env.run("undo", "--yes").returncode == 0
    assert vibe_env.run("redo", "--yes").returncode == 0
    assert vibe_env.run("checkpoints", "restore", created["checkpoint_id"], "--yes").returncode == 0
    assert (vibe_env.repo / "a.txt").read_text() == "a0\n"

    session = lines(vibe_env.home / "sessions" / f"{session_id}.jsonl")
    restores = [r for r in session if r["kind"] == "checkpoint_restored"]
    assert [(r["action"], r["checkpoint_id"]) for r in restores] == [
        ("undo", created["checkpoint_id"]),
        ("redo", restores[1]["checkpoint_id"]),
        ("restore", created["checkpoint_id"]),
    ]
    assert restores[0]["restored"] == ["a.txt"] and restores[0]["restore_point_id"]
    assert session[0]["format"] == "{}.{}".format(*FORMAT)  # a restore record needs 1.2 or later

    audit = [
        line for line in lines(vibe_env.home / "audit.jsonl") if line.get("event") == "checkpoint_restored"
    ]
    assert [(line["action"], line["session_id"]) for line in audit] == [
        ("undo", session_id),
        ("redo", session_id),
        ("restore", session_id),
    ]


def test_vibe_undo_and_redo_cover_an_added_root(vibe_env: VibeEnv, tmp_path_factory: Any) -> None:
    other = tmp_path_factory.mktemp("other")
    (other / "lib.txt").write_text("l0\n", encoding="utf-8")
    (vibe_env.repo / "main.txt").write_text("m0\n", encoding="utf-8")
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "main.txt", "content": "m1\n"})]),
        reply(tool_calls=[call("write_file", {"path": str(other / "lib.txt"), "content": "l1\n"})]),
        reply("ok"),
    )
    run = vibe_env.run("-p", "change both", "--add-dir", str(other), "--auto-approve")
    assert run.returncode == 0, run.stderr
    assert (other / "lib.txt").read_text() == "l1\n"

    undone = vibe_env.run("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert str(other.resolve() / "lib.txt") in undone.stdout, "the plan names the other root's file"
    assert (vibe_env.repo / "main.txt").read_text() == "m0\n" and (other / "lib.txt").read_text() == "l0\n"

    assert vibe_env.run("redo", "--yes").returncode == 0
    assert (vibe_env.repo / "main.txt").read_text() == "m1\n" and (other / "lib.txt").read_text() == "l1\n"

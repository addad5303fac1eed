"""The audit log: every tool call of every run, what decided it, and the sandbox in force."""

from __future__ import annotations

import json
from typing import Any

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def audit_records(vibe_env: VibeEnv) -> list[dict[str, Any]]:
    """The tool-call records (checkpoint records, with an `event`, are tested with checkpoints)."""
    path = vibe_env.home / "audit.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [record for record in records if "event" not in record]


def test_each_call_is_audited_with_what_decided_it(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": "README.md"})]),
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "hi\n"})]),
        reply(tool_calls=[call("bash", {"command": "touch made-by-bash"})]),
        reply("done"),
    )
    run = vibe_env.run("-p", "work", "--output", "json")
    assert run.returncode == 0, run.stderr
    records = audit_records(vibe_env)
    assert [r["tool"] for r in records] == ["read_file", "write_file", "bash"]
    read, write, bash = records
    assert (read["status"], read["decided_by"]) == ("ok", "policy")
    assert (write["status"], write["decided_by"]) == ("ok", "policy")
    assert (bash["status"], bash["decided_by"]) == ("denied", "headless")
    assert bash["arguments"] == {"command": "touch made-by-bash"}
    assert all(r["session_id"] == run.result["session_id"] and r["sandbox"] for r in records)
    assert not (vibe_env.repo / "made-by-bash").exists()


def test_the_audit_log_accumulates_across_runs_and_redacts_the_key(vibe_env: VibeEnv) -> None:
    secret = "sk-test-0123456789abcdef"
    vibe_env.extra_env["MISTRAL_API_KEY"] = secret
    for _ in range(2):
        vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": f"echo {secret}"})]), reply("ok"))
        vibe_env.run("-p", "echo the key", "--auto-approve")
    text = (vibe_env.home / "audit.jsonl").read_text(encoding="utf-8")
    records = [json.loads(line) for line in text.splitlines()]
    records = [record for record in records if "event" not in record]
    assert len(records) == 2 and len({r["session_id"] for r in records}) == 2
    assert all(r["decided_by"] == "policy" and r["status"] == "ok" for r in records)
    assert secret not in text

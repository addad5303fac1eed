"""Commands run by the agent: capped output, timeouts, stray children, signals. No orphans, ever."""

from __future__ import annotations

import json
import signal

import pytest

from support.processes import assert_no_survivors, new_marker, sleeper, survivors
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def test_ten_megabytes_of_output_reach_the_model_truncated(vibe_env: VibeEnv) -> None:
    command = "python3 -c \"import sys; sys.stdout.write('line of output\\n' * 700_000)\"; echo END-MARK"
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": command})]), reply("big"))
    run = vibe_env.run("-p", "flood", "--auto-approve", "--output", "json")
    assert run.returncode == 0
    sent = vibe_env.fake.requests[1].tool_results[0]
    assert len(sent) < 40_000
    assert "omitted" in sent and "END-MARK" in sent and sent.startswith("line of output")
    assert "exit code: 0" in sent


def test_command_timeout_kills_the_whole_group(vibe_env: VibeEnv) -> None:
    tag = new_marker()
    command = f"{sleeper(tag)} & {sleeper(tag, 200)}"
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": command, "timeout_seconds": 1})]), reply("slow")
    )
    run = vibe_env.run("-p", "wait", "--auto-approve", "--output", "json", timeout=30)
    assert run.returncode == 0
    assert "timed out after 1 s" in vibe_env.fake.requests[1].tool_results[0]
    assert_no_survivors(tag)


def test_grandchild_holding_the_pipe_does_not_hang_the_call(vibe_env: VibeEnv) -> None:
    tag = new_marker()
    command = f"({sleeper(tag)}) & echo started"
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": command})]), reply("ok"))
    run = vibe_env.run("-p", "spawn", "--auto-approve", "--output", "json", timeout=30)
    assert run.returncode == 0
    result = vibe_env.fake.requests[1].tool_results[0]
    assert "started" in result and "exit code: 0" in result
    assert_no_survivors(tag)


def test_time_limit_stops_a_running_command(vibe_env: VibeEnv) -> None:
    tag = new_marker()
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": sleeper(tag, 120)})]))
    run = vibe_env.run(
        "-p", "wait", "--auto-approve", "--time-limit", "1", "--output", "stream-json", timeout=30
    )
    assert run.returncode == 3
    assert run.result["stop_reason"] == "time_limit"
    assert_no_survivors(tag)
    # The call that was cut still ends, for every frontend and for the audit trail.
    (finished,) = run.of_type("tool_call_finished")
    assert finished["status"] == "cancelled"
    assert finished["output"] == "Not finished: the run's time limit was reached before this call completed."
    assert [record["status"] for record in audit_records(vibe_env)] == ["cancelled"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_signal_ends_the_run_cleanly(vibe_env: VibeEnv, sig: signal.Signals) -> None:
    tag = new_marker()
    command = f"echo running; {sleeper(tag)}"
    vibe_env.fake.script(reply("Starting.", tool_calls=[call("bash", {"command": command})]))
    process = vibe_env.start("-p", "long job", "--auto-approve", "--output", "stream-json")
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:  # the command's first output proves it is running
        lines.append(line)
        if json.loads(line)["type"] == "tool_call_output":
            break
    assert survivors(tag)
    process.send_signal(sig)
    rest, _ = process.communicate(timeout=20)
    lines += rest.splitlines(keepends=True)
    result = json.loads(lines[-1])
    assert process.returncode == 130
    assert (result["type"], result["status"], result["stop_reason"]) == ("result", "interrupted", "cancelled")
    assert_no_survivors(tag)
    session = vibe_env.home / "sessions" / f"{result['session_id']}.jsonl"
    saved = [json.loads(line) for line in session.read_text().splitlines()]
    tool_messages = [r["message"] for r in saved if r["kind"] == "message" and r["message"]["role"] == "tool"]
    assert tool_messages and tool_messages[-1]["content"].startswith("Not finished: the run was interrupted")
    finished = [json.loads(line) for line in lines if '"tool_call_finished"' in line]
    assert [event["status"] for event in finished] == ["cancelled"]
    assert [record["status"] for record in audit_records(vibe_env)] == ["cancelled"]


def audit_records(vibe_env: VibeEnv) -> list[dict[str, object]]:
    path = vibe_env.home / "audit.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    return [record for record in records if "event" not in record]  # tool calls, not checkpoints

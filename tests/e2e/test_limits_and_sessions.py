"""Limits and exit codes, usage errors, and continuing or resuming sessions."""

from __future__ import annotations

import json
import subprocess

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def looping_model(vibe_env: VibeEnv, turns: int) -> None:
    vibe_env.fake.script(*[reply(tool_calls=[call("glob", {"pattern": "*"})]) for _ in range(turns)])


def test_max_turns_exits_3_without_sending_more_requests(vibe_env: VibeEnv) -> None:
    looping_model(vibe_env, 5)
    run = vibe_env.run("-p", "loop", "--max-turns", "2", "--output", "json")
    assert run.returncode == 3
    assert (run.result["status"], run.result["stop_reason"], run.result["turns"]) == ("limit", "max_turns", 2)
    assert len(vibe_env.fake.requests) == 2


def test_max_cost_uses_the_models_prices(vibe_env: VibeEnv) -> None:
    (vibe_env.home / "config.toml").write_text(
        (vibe_env.home / "config.toml").read_text()
        + '\n[models.devstral-test]\nprovider = "mistral"\nid = "devstral-test"\ninput_price = 10000.0\n'
    )
    looping_model(vibe_env, 6)
    probe = vibe_env.run("-p", "loop", "--max-turns", "1", "--output", "json")
    one_request = probe.result["cost_usd"]
    assert one_request > 0
    # Budget for one and a half requests: the second would exceed it, so it is never sent.
    run = vibe_env.run("-p", "loop", "--max-price", str(one_request * 1.5), "--output", "json")
    assert run.returncode == 3
    assert run.result["stop_reason"] == "max_cost"
    assert len(vibe_env.fake.requests) == 2  # the probe's and this run's single request
    assert run.result["cost_usd"] <= one_request * 1.5


def test_max_tokens_is_checked_before_the_request(vibe_env: VibeEnv) -> None:
    looping_model(vibe_env, 5)
    run = vibe_env.run("-p", "loop", "--max-tokens", "50", "--output", "json")
    assert (run.returncode, run.result["stop_reason"], len(vibe_env.fake.requests)) == (3, "max_tokens", 0)


def test_usage_errors_exit_2_in_one_sentence(vibe_env: VibeEnv) -> None:
    no_prompt = vibe_env.run()
    assert no_prompt.returncode == 2 and "no prompt" in no_prompt.stderr
    bad_flag = vibe_env.run("-p", "x", "--max-turns", "zero")
    assert bad_flag.returncode == 2
    (vibe_env.repo / ".vibe").mkdir()
    (vibe_env.repo / ".vibe" / "config.toml").write_text("limits = 3\n")
    bad_config = vibe_env.run("-p", "x")
    assert bad_config.returncode == 2
    assert "invalid setting 'limits'" in bad_config.stderr and "Traceback" not in bad_config.stderr


def test_no_key_for_mistrals_api_exits_2(vibe_env: VibeEnv) -> None:
    vibe_env.extra_env["VIBE_BASE_URL"] = "https://api.mistral.ai/v1"
    run = vibe_env.run("-p", "x")
    assert run.returncode == 2
    assert "MISTRAL_API_KEY" in run.stderr
    assert vibe_env.fake.requests == []


def test_continue_and_resume_rebuild_the_conversation(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply("First answer."), reply("Second answer."), reply("Third answer."), reply("Fresh.")
    )
    first = vibe_env.run("-p", "first question", "--output", "json")
    session_id = first.result["session_id"]

    second = vibe_env.run("-p", "second question", "-c", "--output", "json")
    assert second.result["session_id"] == session_id
    sent = vibe_env.fake.requests[1].messages
    assert [(m["role"], m["content"]) for m in sent[1:]] == [
        ("user", "first question"),
        ("assistant", "First answer."),
        ("user", "second question"),
    ]

    fresh = vibe_env.run("-p", "unrelated", "--output", "json")  # a new session becomes the latest
    assert fresh.result["session_id"] != session_id
    third = vibe_env.run("-p", "third question", "--resume", session_id, "--output", "json")
    assert third.result["session_id"] == session_id
    assert [m["content"] for m in vibe_env.fake.requests[3].messages[1:]][-2:] == [
        "Second answer.",
        "third question",
    ]

    lines = (vibe_env.home / "sessions" / f"{session_id}.jsonl").read_text().splitlines()
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds[0] == "session" and kinds.count("result") == 3


def test_resume_of_an_unknown_session_exits_2(vibe_env: VibeEnv) -> None:
    run = vibe_env.run("-p", "x", "--resume", "nope")
    assert run.returncode == 2 and "no session 'nope'" in run.stderr
    nothing = vibe_env.run("-p", "x", "-c")
    assert nothing.returncode == 2 and "no earlier session" in nothing.stderr


def test_api_key_never_reaches_the_session_file(vibe_env: VibeEnv) -> None:
    key = "sk-test-do-not-store-0123456789"
    vibe_env.extra_env["MISTRAL_API_KEY"] = key
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": "echo $MISTRAL_API_KEY"})]), reply("done")
    )
    run = vibe_env.run("-p", "print the key", "--auto-approve", "--output", "json")
    assert run.returncode == 0
    assert vibe_env.fake.requests[0].headers["authorization"] == f"Bearer {key}"
    session_file = vibe_env.home / "sessions" / f"{run.result['session_id']}.jsonl"
    assert key not in session_file.read_text()


def test_piped_context_is_read_even_when_the_writer_never_closes_the_pipe(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("seen"))
    process = subprocess.Popen(
        vibe_env.command("-p", "summarise this", "--output", "json"),
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"log line from CI\n")
    process.stdin.flush()  # ...and the pipe stays open, as a CI step's stdin may
    try:
        stdout = process.stdout.read()  # returns once vibe exits; a hang is caught by the test timeout
    finally:
        process.stdin.close()
        process.wait(timeout=10)
    assert process.returncode == 0
    assert json.loads(stdout)["final_text"] == "seen"
    sent = vibe_env.fake.requests[0].messages[-1]["content"]
    assert "summarise this" in sent and "log line from CI" in sent


def test_a_reader_that_goes_away_does_not_crash_the_run(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("glob", {"pattern": "*"})]), reply("done " * 2000))
    process = vibe_env.start("-p", "go", "--output", "stream-json")
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()  # like `| head -1`: read one line, then hang up
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=30) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr
    [session_file] = list((vibe_env.home / "sessions").glob("*.jsonl"))
    last = json.loads(session_file.read_text().splitlines()[-1])
    assert last["kind"] == "result" and last["status"] == "success"


def test_an_unwritable_vibe_home_is_a_clear_error(vibe_env: VibeEnv) -> None:
    (vibe_env.home / "sessions").write_text("a file where the sessions folder should be\n")
    run = vibe_env.run("-p", "x")
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "VIBE_HOME" in run.stderr

"""A headless run nobody watches never runs forever."""

from __future__ import annotations

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def test_headless_has_a_default_turn_limit(vibe_env: VibeEnv) -> None:
    # A model that never stops calling a tool that works: without a limit it would go on.
    vibe_env.fake.script(*[reply(tool_calls=[call("glob", {"pattern": "*"})]) for _ in range(205)])
    run = vibe_env.run("-p", "loop", "--output", "json", timeout=120)
    assert run.returncode == 3
    assert (run.result["stop_reason"], run.result["turns"]) == ("max_turns", 200)
    assert len(vibe_env.fake.requests) == 200


def test_the_users_own_turn_limit_replaces_the_default(vibe_env: VibeEnv) -> None:
    config = vibe_env.home / "config.toml"
    config.write_text(config.read_text() + "\n[limits]\nmax_turns = 3\n")
    vibe_env.fake.script(*[reply(tool_calls=[call("glob", {"pattern": "*"})]) for _ in range(5)])
    run = vibe_env.run("-p", "loop", "--output", "json")
    assert (run.returncode, run.result["turns"]) == (3, 3)


def test_a_call_failing_the_same_way_is_pointed_out_then_ends_the_run(vibe_env: VibeEnv) -> None:
    # A model stuck on one failing call: told after three, stopped after five.
    failing = reply(tool_calls=[call("read_file", {"path": "missing.txt"})])
    vibe_env.fake.script(*[failing for _ in range(10)])
    run = vibe_env.run("-p", "read it", "--output", "json")
    assert run.returncode == 1, run.stderr
    assert (run.result["status"], run.result["stop_reason"]) == ("error", "repeated_failure")
    assert "read_file" in run.result["error"]
    assert len(vibe_env.fake.requests) == 5
    seen = [request.tool_results[-1] for request in vibe_env.fake.requests[1:]]
    assert ["times in a row" in text for text in seen] == [False, False, True, True]
    assert "failed 4 times in a row" in seen[3]


def test_a_model_that_varies_its_call_is_not_stopped(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        *[reply(tool_calls=[call("read_file", {"path": f"missing{n % 2}.txt"})]) for n in range(8)],
        reply("gave up"),
    )
    run = vibe_env.run("-p", "read them", "--output", "json")
    assert (run.returncode, run.result["stop_reason"]) == (0, "end_turn")


def test_a_run_cut_while_the_answer_streams_reports_what_it_used(vibe_env: VibeEnv) -> None:
    # 4,000 characters at 8 every 10 ms: far longer than the time limit.
    vibe_env.fake.script(reply("word " * 800, chunk_delay=0.01))
    run = vibe_env.run("-p", "write an essay", "--time-limit", "1", "--output", "json")
    assert (run.returncode, run.result["stop_reason"]) == (3, "time_limit")
    assert run.result["turns"] == 1
    assert run.result["prompt_tokens"] > 100  # the system prompt and tools, estimated
    assert 0 < run.result["completion_tokens"] < 1000  # what streamed before the cut
    assert run.result["final_text"].startswith("word word")

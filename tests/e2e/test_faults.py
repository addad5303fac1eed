"""Every injected endpoint fault is survived, without duplicating partial text."""

from __future__ import annotations

import pytest

from support.vibe_process import VibeEnv
from tools.fake_mistral import FakeMistral, Step, fault, reply

GOOD = "The complete, correct answer."


@pytest.mark.parametrize(
    "failure",
    [
        fault.status(429, retry_after=0),
        fault.status(503),
        fault.drop_after("The compl"),
        fault.stall_after("The comp", seconds=30),
        fault.malformed(before="The co"),
    ],
    ids=["429-retry-after", "503", "dropped-mid-stream", "stalled", "malformed-chunk"],
)
def test_fault_is_retried_and_partial_text_discarded(vibe_env: VibeEnv, failure: Step) -> None:
    vibe_env.fake.script(failure, reply(GOOD))
    run = vibe_env.run("-p", "q", "--output", "stream-json", timeout=30)

    assert run.returncode == 0, run.stderr
    assert len(run.of_type("retry")) == 1
    assert run.of_type("assistant_message")[0]["text"] == GOOD
    # Deltas after the retry event spell the answer exactly once.
    retry_seq = run.of_type("retry")[0]["seq"]
    after = "".join(e["text"] for e in run.of_type("text_delta") if e["seq"] > retry_seq)
    assert after == GOOD
    assert run.result["final_text"] == GOOD
    assert len(vibe_env.fake.requests) == 2


def test_retry_after_header_is_honoured(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(fault.status(429, retry_after=1), reply(GOOD))
    run = vibe_env.run("-p", "q", "--output", "stream-json", timeout=30)
    assert run.returncode == 0
    assert run.of_type("retry")[0]["delay_seconds"] == pytest.approx(1.0)


def test_openai_style_fragments_and_reasoning_work_end_to_end(vibe_env: VibeEnv) -> None:
    from tools.fake_mistral import call

    vibe_env.fake.script(
        reply(tool_calls=[call("glob", {"pattern": "*.md"})], style="openai"),
        reply(GOOD, reasoning="The user wants a listing."),
    )
    run = vibe_env.run("-p", "q", "--output", "stream-json")
    assert run.returncode == 0
    assert run.of_type("tool_call_finished")[0]["status"] == "ok"
    assert "".join(e["text"] for e in run.of_type("reasoning_delta")) == "The user wants a listing."
    assert run.result["final_text"] == GOOD


def test_endpoint_that_keeps_failing_exits_1_with_the_reason(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(*[fault.status(500, message="model overloaded") for _ in range(4)])
    run = vibe_env.run("-p", "q", "--output", "json")
    assert run.returncode == 1
    assert run.result["error_kind"] == "server"
    assert "model overloaded" in run.result["error"]
    assert "model overloaded" in run.stderr


def test_bad_key_exits_2_with_the_providers_message(vibe_env: VibeEnv) -> None:
    with FakeMistral(api_key="the-right-key") as guarded:
        vibe_env.fake = guarded
        vibe_env.extra_env["MISTRAL_API_KEY"] = "a-wrong-key-value"
        run = vibe_env.run("-p", "q")
    assert run.returncode == 2
    assert "Unauthorized" in run.stderr
    assert "Traceback" not in run.stderr
    assert len(guarded.requests) == 1  # 401 is not retried


def test_unreachable_endpoint_exits_2_saying_what_to_check(vibe_env: VibeEnv) -> None:
    vibe_env.fake.stop()
    run = vibe_env.run("-p", "q")
    assert run.returncode == 2
    assert "Could not reach" in run.stderr and "base URL" in run.stderr
    assert "Traceback" not in run.stderr

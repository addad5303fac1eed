"""Answers a chat-completions client meets in the wild that are not a clean event stream
(issue 16): nothing the endpoint sends may hang the run, be misreported or end in a traceback."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from support.vibe_process import VibeEnv
from tools.fake_mistral import RecordedRequest, Reply, Step, call, fault, reply

GOOD = "The complete, correct answer."


@pytest.mark.parametrize(
    "trickle",
    [fault.keep_alive("The co", every=0.05, seconds=40), fault.trickle("The co", every=0.05, seconds=40)],
    ids=["keep-alive-comments", "one-byte-at-a-time"],
)
def test_bytes_without_model_output_do_not_keep_a_stream_alive(vibe_env: VibeEnv, trickle: Step) -> None:
    vibe_env.fake.script(trickle, reply(GOOD))
    started = time.monotonic()

    # The test config's idle timeout is 0.5 s: the trickle must be given up on long before the
    # fault's 40 s (before the fix it was never given up on while bytes kept coming).
    run = vibe_env.run("-p", "q", "--output", "stream-json", timeout=30)

    assert run.returncode == 0, run.stderr
    assert time.monotonic() - started < 20
    [retry] = run.of_type("retry")
    assert "stalled" in retry["reason"]
    assert run.result["final_text"] == GOOD


def test_a_json_completion_instead_of_a_stream_is_accepted(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        fault.json_completion(reply("Looking.", tool_calls=[call("glob", {"pattern": "*.md"})])),
        fault.json_completion(reply(GOOD, reasoning="It is there.", usage=(50, 7))),
    )

    run = vibe_env.run("-p", "q", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    assert run.of_type("retry") == []
    assert run.of_type("tool_call_finished")[0]["status"] == "ok"
    assert "".join(e["text"] for e in run.of_type("text_delta")) == "Looking." + GOOD
    assert "".join(e["text"] for e in run.of_type("reasoning_delta")) == "It is there."
    assert (run.result["final_text"], run.result["completion_tokens"] >= 7) == (GOOD, True)
    assert len(vibe_env.fake.requests) == 2


@pytest.mark.parametrize(
    ("answer", "described"),
    [
        (fault.html_page(), "an HTML page"),
        (fault.raw("OK", "text/plain"), "text/plain"),
        (fault.raw('{"status": "ok"}', "application/json"), "not a chat completion"),
    ],
    ids=["html-page", "plain-text", "other-json"],
)
def test_a_200_that_is_not_chat_completions_is_a_clear_configuration_error(
    vibe_env: VibeEnv, answer: Step, described: str
) -> None:
    vibe_env.fake.script(answer, reply(GOOD))

    run = vibe_env.run("-p", "q", "--output", "json")

    assert run.returncode == 2, run.stderr
    assert run.result["error_kind"] == "not_chat_endpoint"
    assert "not a chat-completions endpoint" in run.result["error"] and described in run.result["error"]
    assert "base URL" in run.result["error"]
    assert "Traceback" not in run.stderr
    assert len(vibe_env.fake.requests) == 1  # not retried


def test_a_web_page_later_in_the_run_is_a_runtime_failure(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("glob", {"pattern": "*"})]), fault.html_page())
    run = vibe_env.run("-p", "q", "--output", "json")
    assert (run.returncode, run.result["error_kind"]) == (1, "not_chat_endpoint")


def test_a_body_that_is_not_the_gzip_it_claims_is_a_protocol_error(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(*[fault.bad_gzip() for _ in range(4)])

    run = vibe_env.run("-p", "q", "--output", "json")

    assert run.returncode == 1, run.stderr
    assert run.result["error_kind"] == "protocol"
    assert "gzip" in run.result["error"]
    assert "Traceback" not in run.stderr


def test_a_bad_gzip_body_once_is_retried(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(fault.bad_gzip(), reply(GOOD))
    run = vibe_env.run("-p", "q", "--output", "json")
    assert (run.returncode, run.result["final_text"]) == (0, GOOD)


def test_413_compacts_the_conversation_and_retries_once(vibe_env: VibeEnv) -> None:
    for index in range(4):
        (vibe_env.repo / f"part{index}.txt").write_text(f"part {index}\n" + "lorem ipsum " * 400)
    reads = [reply(tool_calls=[call("read_file", {"path": f"part{index}.txt"})]) for index in range(4)]
    vibe_env.fake.script(
        *reads, fault.status(413, message="Request Entity Too Large"), summary_or(GOOD), summary_or(GOOD)
    )

    run = vibe_env.run("-p", "read every part", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    [compaction] = run.of_type("compaction_finished")
    assert compaction["error"] is None and compaction["tokens_after"] < compaction["tokens_before"]
    assert run.result["final_text"] == GOOD
    turns = [r for r in vibe_env.fake.requests if r.tools]  # summary requests offer no tools
    too_large, retried = turns[-2:]
    assert too_large.answered_by == "fault:413"
    assert len(str(retried.messages)) < len(str(too_large.messages))


def summary_or(answer: str) -> Callable[[RecordedRequest], Reply]:
    """A summary for a compaction request (it offers no tools), else `answer`."""
    return lambda request: reply("Summary: four parts read.") if not request.tools else reply(answer)


def test_413_on_a_request_that_cannot_shrink_says_so(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(*[fault.status(413, message="Request Entity Too Large") for _ in range(3)])

    run = vibe_env.run("-p", "a prompt the proxy finds too big", "--output", "json")

    assert run.returncode == 1, run.stderr
    assert run.result["error_kind"] == "context_overflow"
    assert "Traceback" not in run.stderr
    assert len(vibe_env.fake.requests) == 1


def test_a_content_filter_stop_is_a_refusal_with_the_endpoints_message(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply("Here is how", refusal="This request violates the usage policy.", finish="content_filter")
    )

    run = vibe_env.run("-p", "q", "--output", "json")

    assert run.returncode == 1
    assert (run.result["stop_reason"], run.result["error_kind"]) == ("refusal", "refusal")
    assert "This request violates the usage policy." in run.result["error"]
    assert "content filter" in run.result["error"]


def test_calls_in_a_filtered_answer_are_not_run_and_the_session_goes_on(vibe_env: VibeEnv) -> None:
    # The filter may have cut the arguments anywhere: running them would run something unasked.
    cut = call("bash", {"command": "rm -rf build"})
    vibe_env.fake.script(
        reply("Cleaning", tool_calls=[cut], finish="content_filter"),
        reply("Fine."),
    )
    run = vibe_env.run("-p", "q", "--auto-approve", "--output", "stream-json")
    assert (run.returncode, run.result["stop_reason"]) == (1, "refusal")
    assert run.of_type("tool_call_started") == []
    # The saved conversation holds no call without a result: the next prompt is a valid request.
    again = vibe_env.run("-c", "-p", "go on", "--output", "json")
    assert again.returncode == 0, again.stderr
    assert [message["role"] for message in vibe_env.fake.requests[1].messages][-2:] == ["assistant", "user"]


def test_a_content_filter_stop_without_a_message_still_says_what_happened(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("", finish="content_filter"))
    run = vibe_env.run("-p", "q")
    assert run.returncode == 1
    assert "content filter" in run.stderr


@pytest.mark.parametrize("done", [True, False], ids=["done-only", "nothing"])
def test_an_empty_stream_is_an_error_not_an_empty_answer(vibe_env: VibeEnv, done: bool) -> None:
    vibe_env.fake.script(*[fault.empty_stream(done=done) for _ in range(4)])

    run = vibe_env.run("-p", "q", "--output", "json")

    assert run.returncode == 1
    assert run.result["error_kind"] == "protocol"
    assert "without an answer" in run.result["error"]


def test_an_empty_stream_once_is_retried(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(fault.empty_stream(), reply(GOOD))
    run = vibe_env.run("-p", "q", "--output", "json")
    assert (run.returncode, run.result["final_text"]) == (0, GOOD)


def test_tool_calls_after_the_finish_reason_are_run(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        fault.calls_after_finish([call("glob", {"pattern": "*.md"})], text="Looking."), reply(GOOD)
    )

    run = vibe_env.run("-p", "q", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    assert [e["status"] for e in run.of_type("tool_call_finished")] == ["ok"]
    assert "README.md" in vibe_env.fake.requests[1].tool_results[0]
    assert run.result["final_text"] == GOOD

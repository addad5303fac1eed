"""A long headless run on a model with a small context window: old tool outputs give way
(and, when that is not enough, a summary) instead of the run dying on an oversized request."""

from __future__ import annotations

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

SMALL_MODEL = """
[models.tiny]
provider = "mistral"
id = "devstral-test"
context_window = 9000
"""


def small_window(vibe_env: VibeEnv) -> None:
    config = vibe_env.home / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + SMALL_MODEL, encoding="utf-8")
    vibe_env.extra_env["VIBE_MODEL"] = "tiny"


def test_a_long_run_prunes_old_tool_outputs_and_finishes(vibe_env: VibeEnv) -> None:
    small_window(vibe_env)
    for index in range(8):
        (vibe_env.repo / f"part{index}.txt").write_text(f"part {index}\n" + "lorem ipsum " * 200)
    reads = [reply(tool_calls=[call("read_file", {"path": f"part{index}.txt"})]) for index in range(8)]
    vibe_env.fake.script(*reads, reply("Read all eight parts."))

    run = vibe_env.run("-p", "read every part", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    assert run.result["status"] == "success"
    finished = run.of_type("compaction_finished")
    assert finished and finished[0]["error"] is None and finished[0]["pruned_outputs"] >= 1
    assert finished[0]["tokens_after"] < finished[0]["tokens_before"]
    last = vibe_env.fake.requests[-1]
    assert any("output elided" in result for result in last.tool_results)
    assert last.messages[1]["content"] == "read every part"  # the task is still there, verbatim


def test_text_output_says_the_conversation_was_compacted(vibe_env: VibeEnv) -> None:
    small_window(vibe_env)
    for index in range(8):
        (vibe_env.repo / f"part{index}.txt").write_text("lorem ipsum " * 200)
    reads = [reply(tool_calls=[call("read_file", {"path": f"part{index}.txt"})]) for index in range(8)]
    vibe_env.fake.script(*reads, reply("Done."))

    run = vibe_env.run("-p", "read every part")

    assert run.returncode == 0, run.stderr
    assert run.stdout == "Done.\n"
    assert "compacted the conversation" in run.stderr

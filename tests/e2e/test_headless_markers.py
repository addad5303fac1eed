"""Headless output is the answer the user saw, not the note the agent loop adds for the model."""

from __future__ import annotations

from support.vibe_process import VibeEnv
from tools.fake_mistral import fault


def test_an_answer_cut_short_by_the_time_limit_is_printed_without_the_models_note(vibe_env: VibeEnv) -> None:
    # The stall must outlast the time limit rather than be retried (TEST_CONFIG waits 0.5 s).
    (vibe_env.home / "config.toml").write_text("[network]\nidle_timeout = 60\n", encoding="utf-8")
    vibe_env.fake.script(fault.stall_after("Partial answ", seconds=30))
    run = vibe_env.run("-p", "go", "--time-limit", "1", "--output-format", "json")
    assert run.returncode == 3, run.stderr
    assert (run.result["stop_reason"], run.result["final_text"]) == ("time_limit", "Partial answ")

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

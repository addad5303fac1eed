"""The repository map in a real session's first request, and `[context] repo_map_tokens = 0`."""

from __future__ import annotations

from support.vibe_process import VibeEnv
from tools.fake_mistral import reply


def write_project(vibe_env: VibeEnv) -> None:
    pkg = vibe_env.repo / "pkg"
    pkg.mkdir()
    (pkg / "core.py").write_text("class CentralRegistry:\n    pass\n\n\ndef make_registry():\n    return 1\n")
    for index in range(3):
        (pkg / f"user{index}.py").write_text(
            f"from pkg.core import CentralRegistry, make_registry\n\n\ndef feature_{index}():\n"
            "    return make_registry(), CentralRegistry\n"
        )


def test_the_first_request_carries_the_map_and_a_zero_budget_leaves_it_out(vibe_env: VibeEnv) -> None:
    write_project(vibe_env)
    vibe_env.fake.script(reply("one"), reply("two"), reply("three"))
    # The first run may be answered before a cold map is ready (it waits 0.3 s at most); the
    # second finds the parse cache warm.
    for _ in range(2):
        run = vibe_env.run("-p", "what does @pkg/core.py do?")
        assert run.returncode == 0, run.stderr
    system = vibe_env.fake.requests[1].messages[0]["content"]
    assert "# Repository map" in system
    assert "pkg/core.py:\n  class CentralRegistry:\n  def make_registry():" in system

    config = vibe_env.home / "config.toml"
    config.write_text(config.read_text() + "\n[context]\nrepo_map_tokens = 0\n")
    assert vibe_env.run("-p", "again").returncode == 0
    assert "# Repository map" not in vibe_env.fake.requests[2].messages[0]["content"]

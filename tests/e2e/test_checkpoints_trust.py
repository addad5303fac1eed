"""A repository's `[checkpoints] enabled = false` switches off what undo restores from: it
loosens safety, so it applies only once the user trusts the folder."""

from __future__ import annotations

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def one_write(vibe_env: VibeEnv, content: str) -> list[dict[str, object]]:
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": content})]), reply("ok")
    )
    run = vibe_env.run("-p", "write a", "--auto-approve", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    return run.of_type("checkpoint_created")


def test_a_project_turning_checkpoints_off_is_ignored_until_trusted(vibe_env: VibeEnv) -> None:
    folder = vibe_env.repo / ".vibe"
    folder.mkdir()
    (folder / "config.toml").write_text("[checkpoints]\nenabled = false\n", encoding="utf-8")

    assert len(one_write(vibe_env, "one\n")) == 1, "untrusted: the project cannot switch undo off"
    assert vibe_env.run("undo", "--yes").returncode == 0
    assert not (vibe_env.repo / "a.txt").exists()

    assert vibe_env.run("trust").returncode == 0
    assert one_write(vibe_env, "two\n") == [], "trusted: the project's choice applies"
    assert (vibe_env.repo / "a.txt").read_text() == "two\n"

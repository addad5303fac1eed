"""Real `vibe -p` runs where the model uses the git tools, against the scripted endpoint."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def isolate_git(vibe_env: VibeEnv, tmp_path: Path) -> None:
    config = tmp_path / "gitconfig"
    config.write_text("[user]\n\tname = Test User\n\temail = test@example.com\n[commit]\n\tgpgSign = false\n")
    vibe_env.extra_env.update(GIT_CONFIG_GLOBAL=str(config), GIT_CONFIG_NOSYSTEM="1")


def test_the_model_commits_with_auto_approve(vibe_env: VibeEnv, tmp_path: Path) -> None:
    isolate_git(vibe_env, tmp_path)
    repo = vibe_env.repo
    (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    vibe_env.fake.script(
        reply(tool_calls=[call("git_status", {})]),
        reply(tool_calls=[call("git_commit", {"message": "Add calc", "paths": ["calc.py", "README.md"]})]),
        reply(tool_calls=[call("git_log", {})]),
        reply("Committed."),
    )
    run = vibe_env.run("-p", "commit my work", "--auto-approve", "--output", "stream-json")

    assert run.returncode == 0, run.stderr
    finished = run.of_type("tool_call_finished")
    assert [(e["tool"], e["status"]) for e in finished] == [
        ("git_status", "ok"),
        ("git_commit", "ok"),
        ("git_log", "ok"),
    ]
    assert "Untracked (2):" in finished[0]["output"] and "calc.py" in finished[0]["output"]
    assert finished[1]["output"].startswith("Committed ")
    assert finished[2]["output"].endswith("Test User: Add calc")
    assert git(repo, "log", "--format=%an|%B").strip() == "Test User|Add calc"
    assert sorted(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == ["README.md", "calc.py"]
    assert git(repo, "status", "--porcelain") == ""
    assert run.result["tool_calls"] == {"git_status": 1, "git_commit": 1, "git_log": 1}


def test_without_approval_the_commit_is_refused_headless(vibe_env: VibeEnv, tmp_path: Path) -> None:
    isolate_git(vibe_env, tmp_path)
    vibe_env.fake.script(
        reply(tool_calls=[call("git_commit", {"message": "Sneaky", "all": True, "paths": ["README.md"]})]),
        reply("I could not commit."),
    )
    run = vibe_env.run("-p", "commit", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert [d["tool"] for d in run.result["denied"]] == ["git_commit"]
    head = subprocess.run(["git", "rev-parse", "--verify", "HEAD"], cwd=vibe_env.repo, check=False)
    assert head.returncode != 0  # nothing was committed

"""Headless runs under the real sandbox and permission policy; `vibe sandbox` and `vibe policy`."""

from __future__ import annotations

import subprocess
from pathlib import Path

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def project_config(vibe_env: VibeEnv, text: str) -> None:
    folder = vibe_env.repo / ".vibe"
    folder.mkdir(exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def test_read_only_commands_run_and_others_are_denied_and_listed(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": "ls && git status --short"})]),
        reply(tool_calls=[call("bash", {"command": "rm -f README.md"})]),
        reply("done"),
    )
    run = vibe_env.run("-p", "tidy", "--output", "json")
    assert run.returncode == 0, run.stderr
    [denied] = run.result["denied"]
    assert denied["tool"] == "bash" and denied["arguments"] == {"command": "rm -f README.md"}
    assert (vibe_env.repo / "README.md").exists()
    listing = vibe_env.fake.requests[1].messages[-1]["content"]
    assert "README.md" in listing  # `ls` ran: allowed by a built-in read-only rule


def test_on_ask_fail_exits_4_without_running_the_call(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": "touch made"})]), reply("never"))
    run = vibe_env.run("-p", "make it", "--on-ask", "fail", "--output", "json")
    assert run.returncode == 4
    assert (run.result["status"], run.result["stop_reason"]) == ("error", "approval_required")
    assert not (vibe_env.repo / "made").exists()
    assert len(vibe_env.fake.requests) == 1


def test_plan_mode_writes_nothing(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "new.txt", "content": "x\n"})]),
        reply(tool_calls=[call("bash", {"command": "echo x > via-shell.txt"})]),
        reply(tool_calls=[call("bash", {"command": "cat README.md"})]),
        reply("planned"),
    )
    run = vibe_env.run("-p", "plan it", "--permission-mode", "plan", "--auto-approve", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert [d["tool"] for d in run.result["denied"]] == ["write_file", "bash"]
    assert not (vibe_env.repo / "new.txt").exists() and not (vibe_env.repo / "via-shell.txt").exists()
    assert "demo" in vibe_env.fake.requests[3].messages[-1]["content"]  # cat still ran


def test_auto_mode_runs_commands_inside_the_sandbox_only(vibe_env: VibeEnv, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    command = f"touch inside.txt; echo escaped > {outside}"
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": command})]), reply("done"))
    run = vibe_env.run("-p", "go", "--permission-mode", "auto", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert (vibe_env.repo / "inside.txt").exists() and not outside.exists()
    told = vibe_env.fake.requests[1].messages[-1]["content"]
    assert "[sandbox]" in told and "Read-only file system" in told


def test_a_project_rule_cannot_drop_the_users_denials(vibe_env: VibeEnv) -> None:
    user_config = vibe_env.home / "config.toml"
    user_config.write_text(
        user_config.read_text()
        + '\n[[permissions.commands]]\npattern = "git push"\naction = "deny"\n'
        + '\n[[permissions.commands]]\npattern = "curl"\naction = "deny"\n'
    )
    project_config(
        vibe_env,
        '[[permissions.commands]]\npattern = "git"\naction = "allow"\n'
        '[[permissions.commands]]\npattern = "curl *"\naction = "allow"\n',
    )
    # Even trusted, and more specific, the project's allow rules rank below the user's denials.
    assert vibe_env.run("trust").returncode == 0
    run = vibe_env.run("policy", "check", "git push origin main")
    assert run.returncode == 11, run.stdout + run.stderr
    assert 'deny "git push"' in run.stdout
    curl = vibe_env.run("policy", "check", "curl https://example.org")
    assert curl.returncode == 11 and 'deny "curl"' in curl.stdout
    fetch = vibe_env.run("policy", "check", "git fetch")
    assert fetch.returncode == 0 and 'allow "git" (project)' in fetch.stdout


def test_policy_check_reports_each_part_and_its_rule(vibe_env: VibeEnv) -> None:
    allowed = vibe_env.run("policy", "check", "ls | grep x")
    assert allowed.returncode == 0 and 'allow "grep"' in allowed.stdout
    asked = vibe_env.run("policy", "check", "git status && rm -rf build")
    assert asked.returncode == 10 and "rm -rf build" in asked.stdout
    project_config(vibe_env, '[[permissions.commands]]\npattern = "rm -rf"\naction = "deny"\n')
    denied = vibe_env.run("policy", "check", "git status && rm -rf build")
    assert denied.returncode == 11 and 'deny "rm -rf"' in denied.stdout


def test_a_rule_contradicting_its_examples_is_a_config_error(vibe_env: VibeEnv) -> None:
    project_config(
        vibe_env,
        '[[permissions.commands]]\npattern = "git push"\naction = "deny"\nmatch = ["git pull"]\n',
    )
    for args in (("policy", "check", "ls"), ("-p", "x")):
        run = vibe_env.run(*args)
        assert run.returncode == 2
        assert "git pull" in run.stderr and "Traceback" not in run.stderr


def test_vibe_sandbox_runs_a_command_confined_and_reports_status(vibe_env: VibeEnv, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    run = vibe_env.run("sandbox", "--", "sh", "-c", f"touch ok.txt && touch {outside}")
    assert run.returncode != 0 and "Read-only file system" in run.stderr
    assert (vibe_env.repo / "ok.txt").exists() and not outside.exists()
    assert vibe_env.run("sandbox", "--", "sh", "-c", "exit 7").returncode == 7
    status = vibe_env.run("sandbox", "--status")
    assert status.returncode == 0 and "Enforced:" in status.stdout and "Not enforced:" in status.stdout
    unconfined = vibe_env.run("sandbox", "--sandbox", "off", "--status")
    assert "no OS sandbox" in unconfined.stdout


def test_vibe_sandbox_without_a_command_is_a_usage_error(vibe_env: VibeEnv) -> None:
    run = vibe_env.run("sandbox")
    assert run.returncode == 2 and "give a command" in run.stderr


def test_vibe_sandbox_blocks_the_network_unless_allowed(vibe_env: VibeEnv) -> None:
    probe = f"import urllib.request; urllib.request.urlopen('{vibe_env.fake.base_url}/models', timeout=5)"
    python = subprocess.run(["which", "python3"], capture_output=True, text=True, check=True).stdout.strip()
    assert vibe_env.run("sandbox", "--", python, "-c", probe).returncode != 0
    assert vibe_env.run("sandbox", "--allow-network", "--", python, "-c", probe).returncode == 0


def test_in_plan_mode_the_os_keeps_commands_from_writing_even_when_a_rule_lets_them_run(
    vibe_env: VibeEnv,
) -> None:
    # A rule wrongly marked read-only lets `touch` run in plan mode; the read-only sandbox still
    # refuses the write.
    project_config(
        vibe_env, '[[permissions.commands]]\npattern = "touch"\naction = "allow"\nread_only = true\n'
    )
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": "touch planned.txt"})]), reply("ok"))
    run = vibe_env.run("-p", "plan", "--permission-mode", "plan", "--trust", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert run.result["denied"] == []
    assert not (vibe_env.repo / "planned.txt").exists()
    told = vibe_env.fake.requests[1].messages[-1]["content"]
    assert "Read-only file system" in told and "[sandbox]" in told

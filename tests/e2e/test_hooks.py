"""`[[hooks]]` end to end: the real `vibe -p` against the scripted endpoint, real hook programs
(small scripts in temp folders) run in the real sandbox, their results read in stream-json and
in what the model was sent next."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

from support.vibe_process import TEST_CONFIG, VibeEnv, VibeRun
from tools.fake_mistral import call, reply

STREAM = ("--output", "stream-json")


def script(folder: Path, name: str, body: str) -> str:
    """An executable shell script in `folder` (outside the repository); returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def hook(event: str, command: str, matcher: str | None = None, timeout: float | None = None) -> str:
    lines = ["[[hooks]]", f"event = {json.dumps(event)}", f"command = {json.dumps(command)}"]
    if matcher is not None:
        lines.append(f"matcher = {json.dumps(matcher)}")
    if timeout is not None:
        lines.append(f"timeout = {timeout}")
    return "\n".join(lines) + "\n"


def configure(vibe_env: VibeEnv, *entries: str, before: str = "") -> None:
    (vibe_env.home / "config.toml").write_text(before + TEST_CONFIG + "".join(entries), encoding="utf-8")


def hook_events(run: VibeRun, event: str | None = None) -> list[dict[str, Any]]:
    return [e for e in run.of_type("hook_ran") if event is None or e["event"] == event]


def tool_results(vibe_env: VibeEnv, request: int) -> list[str]:
    messages = vibe_env.fake.requests[request].messages
    return [str(m.get("content")) for m in messages if m.get("role") == "tool"]


def user_texts(vibe_env: VibeEnv, request: int) -> list[str]:
    messages = vibe_env.fake.requests[request].messages
    return [str(m.get("content")) for m in messages if m.get("role") == "user"]


def deny_with_payload(folder: Path) -> str:
    """A pre_tool hook that denies, quoting what it was told on stdin."""
    program = (
        "import json, sys; p = json.load(sys.stdin); "
        "print(json.dumps({'decision': 'deny', 'reason': "
        "'no %s of %s here (%s)' % (p['tool_name'], p['tool_input']['path'], p['event'])}))"
    )
    return script(folder, "deny.sh", f"exec {sys.executable} -c {json.dumps(program)}\n")


def test_a_pre_tool_deny_reaches_the_model_with_its_reason(vibe_env: VibeEnv, tmp_path: Path) -> None:
    configure(vibe_env, hook("pre_tool", deny_with_payload(tmp_path / "hooks"), matcher="write_*"))
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "hi\n"})]),
        reply(tool_calls=[call("read_file", {"path": "README.md"})]),
        reply("ok"),
    )
    run = vibe_env.run("-p", "write", *STREAM)
    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "notes.txt").exists()
    (denied,) = tool_results(vibe_env, 1)
    assert "no write_file of notes.txt here (pre_tool)" in denied
    (ran,) = hook_events(run)  # the matcher leaves read_file alone
    assert (ran["outcome"], ran["tool"]) == ("deny", "write_file")
    assert ran["source"].endswith("config.toml")
    finished = run.of_type("tool_call_finished")
    assert [f["status"] for f in finished] == ["denied", "ok"]
    records = [json.loads(line) for line in (vibe_env.home / "audit.jsonl").read_text().splitlines()]
    hooks = [r for r in records if r.get("event") == "hook"]
    assert [(r["hook_event"], r["outcome"]) for r in hooks] == [("pre_tool", "deny")]


def test_exit_code_2_denies_with_stderr_as_the_reason(vibe_env: VibeEnv, tmp_path: Path) -> None:
    blocker = script(tmp_path / "hooks", "block.sh", "echo 'bash is off limits today' >&2\nexit 2\n")
    configure(vibe_env, hook("pre_tool", blocker, matcher="bash"), before='permission_mode = "auto"\n')
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": "touch ran"})]), reply("ok"))
    run = vibe_env.run("-p", "go", *STREAM)
    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "ran").exists()
    (denied,) = tool_results(vibe_env, 1)
    assert "bash is off limits today" in denied
    assert hook_events(run)[0]["reason"] == "bash is off limits today"


def test_a_post_tool_hook_adds_its_report_to_the_result(vibe_env: VibeEnv, tmp_path: Path) -> None:
    linter = script(
        tmp_path / "hooks", "lint.sh", 'echo \'{"additional_context": "lint: notes.txt has 2 warnings"}\'\n'
    )
    configure(vibe_env, hook("post_tool", linter, matcher="write_file"))
    vibe_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "hi\n"})]), reply("ok")
    )
    run = vibe_env.run("-p", "write", *STREAM)
    assert run.returncode == 0, run.stderr
    assert (vibe_env.repo / "notes.txt").read_text() == "hi\n"
    (result,) = tool_results(vibe_env, 1)
    assert "lint: notes.txt has 2 warnings" in result
    assert hook_events(run)[0]["outcome"] == "context"


def test_a_stop_hook_sends_the_model_back_at_most_three_times(vibe_env: VibeEnv, tmp_path: Path) -> None:
    nag = script(tmp_path / "hooks", "nag.sh", "echo 'the tests still fail' >&2\nexit 2\n")
    configure(vibe_env, hook("stop", nag))
    vibe_env.fake.script(*(reply(f"done {n}") for n in range(4)))
    run = vibe_env.run("-p", "fix it", *STREAM)
    assert run.returncode == 0, run.stderr
    assert len(vibe_env.fake.requests) == 4
    assert "the tests still fail" in user_texts(vibe_env, 1)[-1]
    assert len(hook_events(run, "stop")) == 3
    assert run.result["final_text"] == "done 3"


def test_user_prompt_and_session_start_hooks_add_context_or_refuse(vibe_env: VibeEnv, tmp_path: Path) -> None:
    folder = tmp_path / "hooks"
    greeter = script(folder, "start.sh", 'echo \'{"additional_context": "branch: feature/x"}\'\n')
    guard = script(
        folder,
        "guard.sh",
        'if grep -q secret; then echo "prompts must not mention secrets" >&2; exit 2; fi\n'
        'echo \'{"additional_context": "ticket ABC-1"}\'\n',
    )
    configure(vibe_env, hook("session_start", greeter), hook("user_prompt", guard))
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "hello", *STREAM)
    assert run.returncode == 0, run.stderr
    (prompt,) = user_texts(vibe_env, 0)
    assert prompt.startswith("hello") and "branch: feature/x" in prompt and "ticket ABC-1" in prompt

    refused = vibe_env.run("-p", "print the secret", *STREAM)
    assert refused.returncode != 0
    assert refused.result["stop_reason"] == "refusal"
    assert "prompts must not mention secrets" in refused.result["error"]
    assert len(vibe_env.fake.requests) == 1, "the refused prompt was never sent"


def allow_all(folder: Path) -> str:
    return script(folder, "allow.sh", 'echo \'{"decision": "allow", "reason": "the hook vouches for it"}\'\n')


def test_an_allow_skips_the_modes_ask_and_nothing_else(vibe_env: VibeEnv, tmp_path: Path) -> None:
    rules = '[[permissions.commands]]\npattern = "rm *"\naction = "deny"\n'
    configure(vibe_env, hook("pre_tool", allow_all(tmp_path / "hooks")), before=rules)
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": "touch allowed"})]),
        reply(tool_calls=[call("bash", {"command": "rm README.md"})]),
        reply(tool_calls=[call("write_file", {"path": ".vibe/config.toml", "content": "x = 1\n"})]),
        reply("ok"),
    )
    run = vibe_env.run("-p", "go", *STREAM)
    assert run.returncode == 0, run.stderr
    assert (vibe_env.repo / "allowed").exists(), "the mode's ask was lifted by the hook"
    assert (vibe_env.repo / "README.md").exists(), "a deny rule stands"
    assert not (vibe_env.repo / ".vibe" / "config.toml").exists(), "a protected path still asks"
    resolved = run.of_type("approval_resolved")
    assert [(r["approved"], r["decided_by"]) for r in resolved] == [
        (True, "policy"),
        (False, "policy"),
        (False, "headless"),
    ]
    assert resolved[0]["rule"].startswith("hook: ")
    assert run.of_type("approval_requested")[0]["protected"] is True


def test_an_allow_does_not_lift_plan_mode(vibe_env: VibeEnv, tmp_path: Path) -> None:
    configure(vibe_env, hook("pre_tool", allow_all(tmp_path / "hooks")))
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": "touch planned"})]), reply("ok"))
    run = vibe_env.run("-p", "go", "--permission-mode", "plan", *STREAM)
    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "planned").exists()
    assert run.of_type("tool_call_finished")[0]["status"] == "denied"


def test_a_repositorys_hooks_apply_only_once_trusted(vibe_env: VibeEnv, tmp_path: Path) -> None:
    marker = vibe_env.repo / "hook-ran"
    project = vibe_env.repo / ".vibe"
    project.mkdir()
    (project / "config.toml").write_text(hook("session_start", f"touch {marker}"), encoding="utf-8")
    vibe_env.fake.script(reply("ok"), reply("ok"))
    untrusted = vibe_env.run("-p", "hi", *STREAM)
    assert untrusted.returncode == 0, untrusted.stderr
    assert not marker.exists() and not hook_events(untrusted)
    assert "hooks" in untrusted.stderr

    trusted = vibe_env.run("-p", "hi", "--trust", *STREAM)
    assert trusted.returncode == 0, trusted.stderr
    assert marker.exists()
    assert hook_events(trusted)[0]["source"].endswith(".vibe/config.toml")


def test_a_hook_that_hangs_is_killed_at_its_timeout(vibe_env: VibeEnv, tmp_path: Path) -> None:
    # A unique argument, so the test can look for the process by it afterwards.
    tag = f"{os.getpid()}{abs(hash(tmp_path)) % 10**6}"
    hanger = script(tmp_path / "hooks", "hang.sh", f"sleep 70.{tag} &\nexec sleep 80.{tag}\n")
    configure(vibe_env, hook("session_start", hanger, timeout=0.5))
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "hi", *STREAM)
    assert run.returncode == 0, run.stderr  # a failed hook is reported and ignored
    (ran,) = hook_events(run)
    assert ran["outcome"] == "failed" and "timed out" in ran["reason"]
    left = [
        entry.name for entry in Path("/proc").iterdir() if entry.name.isdigit() and tag in _cmdline(entry)
    ]
    assert left == []


def _cmdline(process: Path) -> str:
    try:
        return (process / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def test_a_hook_runs_sandboxed_in_the_workspace(vibe_env: VibeEnv, tmp_path: Path) -> None:
    outside = tmp_path / "outside.txt"
    writer = script(
        tmp_path / "hooks",
        "write.sh",
        f"echo inside > made-by-hook\n(echo escaped > {outside}) 2>/dev/null"
        ' || echo \'{"additional_context": "the write outside failed"}\'\n',
    )
    configure(vibe_env, hook("session_start", writer))
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "hi", *STREAM)
    assert run.returncode == 0, run.stderr
    assert (vibe_env.repo / "made-by-hook").read_text() == "inside\n"
    assert not outside.exists()
    assert hook_events(run)[0]["additional_context"] == "the write outside failed"


def test_bad_answers_are_reported_and_ignored(vibe_env: VibeEnv, tmp_path: Path) -> None:
    folder = tmp_path / "hooks"
    configure(
        vibe_env,
        hook("user_prompt", script(folder, "junk.sh", "echo 'not json'\n")),
        hook("user_prompt", script(folder, "crash.sh", "echo boom >&2\nexit 1\n")),
        hook("user_prompt", script(folder, "odd.sh", 'echo \'{"decision": "maybe"}\'\n')),
    )
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "hi", *STREAM)
    assert run.returncode == 0, run.stderr
    reasons = [e["reason"] for e in hook_events(run)]
    assert [e["outcome"] for e in hook_events(run)] == ["failed"] * 3
    assert reasons == ["its output is not JSON", "exited with code 1 boom", "unknown decision 'maybe'"]


def test_no_hooks_turns_them_off_for_a_run(vibe_env: VibeEnv, tmp_path: Path) -> None:
    blocker = script(tmp_path / "hooks", "block.sh", "echo no >&2\nexit 2\n")
    configure(vibe_env, hook("user_prompt", blocker))
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "hi", "--no-hooks", *STREAM)
    assert run.returncode == 0, run.stderr
    assert not hook_events(run)
    assert run.result["final_text"] == "ok"


def test_an_ask_makes_an_allowed_call_ask(vibe_env: VibeEnv, tmp_path: Path) -> None:
    asker = script(
        tmp_path / "hooks",
        "ask.sh",
        'echo \'{"decision": "ask", "reason": "reads of README need a look"}\'\n',
    )
    configure(vibe_env, hook("pre_tool", asker, matcher="read_file"))
    vibe_env.fake.script(reply(tool_calls=[call("read_file", {"path": "README.md"})]), reply("ok"))
    run = vibe_env.run("-p", "read", *STREAM)
    assert run.returncode == 0, run.stderr
    (asked,) = run.of_type("approval_requested")
    assert asked["reason"] == "reads of README need a look"
    (resolved,) = run.of_type("approval_resolved")
    assert (resolved["approved"], resolved["decided_by"]) == (False, "headless")
    assert "demo" not in tool_results(vibe_env, 1)[0]


def test_no_mcp_starts_no_servers_for_a_run(vibe_env: VibeEnv) -> None:
    configure(vibe_env, '[mcp_servers.broken]\ncommand = "/nonexistent/mcp-server"\n')
    vibe_env.fake.script(reply("ok"), reply("ok"))
    with_servers = vibe_env.run("-p", "hi", *STREAM)
    (started,) = with_servers.of_type("session_started")
    assert any("broken" in notice for notice in started["notices"]), started["notices"]
    without = vibe_env.run("-p", "hi", "--no-mcp", *STREAM)
    assert without.returncode == 0, without.stderr
    (started,) = without.of_type("session_started")
    assert not any("broken" in notice for notice in started["notices"])

"""The real `vibe -p` with configured MCP servers: a real SDK stdio server's tool is offered to
the scripted model, called, approved by a rule, audited, and its result read back; a server that
cannot start is a notice, not the end of the run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from support.vibe_process import TEST_CONFIG, VibeEnv
from tools.fake_mistral import call, reply

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


def configure(vibe_env: VibeEnv, extra: str) -> None:
    servers = f"""
[mcp_servers.t]
command = {json.dumps(sys.executable)}
args = [{json.dumps(SERVER)}]

[mcp_servers.broken]
command = "/nonexistent/mcp-server"
startup_timeout = 5
"""
    (vibe_env.home / "config.toml").write_text(TEST_CONFIG + servers + extra, encoding="utf-8")


def tool_message(request_messages: list[Any]) -> str:
    return next(m["content"] for m in request_messages if m.get("role") == "tool")


def test_a_headless_run_calls_an_mcp_tool_allowed_by_a_pattern(vibe_env: VibeEnv) -> None:
    configure(vibe_env, '\n[permissions.tools]\n"mcp__t__*" = "always"\n')
    vibe_env.fake.script(
        reply(tool_calls=[call("mcp__t__echo", {"text": "from the model"})]),
        reply("done"),
    )
    run = vibe_env.run("-p", "use the server", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    first, second = vibe_env.fake.requests
    offered = {tool["function"]["name"] for tool in first.tools}
    assert "mcp__t__echo" in offered and "read_file" in offered
    assert tool_message(second.messages) == "echo: from the model"
    (finished,) = run.of_type("tool_call_finished")
    assert finished["status"] == "ok"
    # The failed server is one clear notice; the run went on without it.
    (started,) = run.of_type("session_started")
    (notice,) = [n for n in started["notices"] if "broken" in n]
    assert notice.startswith("MCP server 'broken' is not available")
    assert "MCP server 'broken'" in run.stderr
    lines = (vibe_env.home / "audit.jsonl").read_text().splitlines()
    audit = [record for line in lines if "event" not in (record := json.loads(line))]  # calls only
    assert [(r["tool"], r["status"]) for r in audit] == [("mcp__t__echo", "ok")]


def test_without_a_rule_a_headless_mcp_call_is_denied_not_run(vibe_env: VibeEnv) -> None:
    configure(vibe_env, "")
    vibe_env.fake.script(
        reply(tool_calls=[call("mcp__t__write", {"path": "made-by-mcp.txt", "text": "x"})]),
        reply("done"),
    )
    run = vibe_env.run("-p", "write", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert not (vibe_env.repo / "made-by-mcp.txt").exists()
    answer = tool_message(vibe_env.fake.requests[1].messages)
    assert answer.startswith("Denied: mcp__t__write acts outside vibe's sandbox")


def test_auto_approve_runs_an_mcp_call(vibe_env: VibeEnv) -> None:
    configure(vibe_env, "")
    vibe_env.fake.script(reply(tool_calls=[call("mcp__t__echo", {"text": "hi"})]), reply("done"))
    run = vibe_env.run("-p", "echo", "--auto-approve", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert tool_message(vibe_env.fake.requests[1].messages) == "echo: hi"


def test_a_server_that_dies_mid_run_is_one_notice_and_the_run_goes_on(vibe_env: VibeEnv) -> None:
    configure(vibe_env, '\n[permissions.tools]\n"mcp__t__*" = "always"\n')
    vibe_env.fake.script(reply(tool_calls=[call("mcp__t__crash", {})]), reply("carried on"))
    run = vibe_env.run("-p", "crash it", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    assert run.result["final_text"] == "carried on"
    (notice,) = run.of_type("mcp_server_notice")
    assert notice["server"] == "t" and notice["state"] == "failed"
    assert notice["message"].startswith("MCP server 't' stopped: it exited")
    (finished,) = run.of_type("tool_call_finished")
    # Told before the failed call it explains.
    assert notice["seq"] < finished["seq"] and finished["status"] == "error"
    assert f"vibe: {notice['message']}" in run.stderr


def _imported(stderr: str) -> set[str]:
    """Top-level packages a run imported, from PYTHONPROFILEIMPORTTIME's report."""
    return {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in stderr.splitlines() if "|" in line}


def test_vibes_own_process_never_imports_the_mcp_sdk(vibe_env: VibeEnv) -> None:
    vibe_env.extra_env["PYTHONPROFILEIMPORTTIME"] = "1"
    vibe_env.fake.script(reply("done"))
    run = vibe_env.run("-p", "hello", "--output", "json")
    assert run.returncode == 0, run.stderr
    imported = _imported(run.stderr)
    assert "vibe" in imported and "mcp" not in imported and "mcp_types" not in imported
    # With a server configured, the SDK loads in the MCP client process only (its stderr is
    # kept in a log), never in vibe's own.
    configure(vibe_env, "")
    vibe_env.fake.script(reply("done"))
    run = vibe_env.run("-p", "hello", "--output", "json")
    assert run.returncode == 0, run.stderr
    assert "mcp" not in _imported(run.stderr)
    client = (vibe_env.home / "mcp" / "client-errors.log").read_text(encoding="utf-8")
    assert "mcp" in _imported(client) and "mcp_types" in _imported(client)


def test_a_repositorys_vibe_folder_cannot_stand_in_for_the_mcp_client_process(vibe_env: VibeEnv) -> None:
    """The MCP client process runs `python -m vibe.tools.mcp.host` in the working folder; a
    cloned repository with a `vibe/` package of its own must not get its code run that way."""
    impostor = vibe_env.repo / "vibe" / "tools" / "mcp"
    impostor.mkdir(parents=True)
    for folder in (vibe_env.repo / "vibe", vibe_env.repo / "vibe" / "tools", impostor):
        (folder / "__init__.py").write_text("", encoding="utf-8")
    ran = vibe_env.repo.parent / "impostor-ran"
    (impostor / "host.py").write_text(f"open({str(ran)!r}, 'w').close()\n", encoding="utf-8")
    configure(vibe_env, '\n[permissions.tools]\n"mcp__t__*" = "always"\n')
    vibe_env.fake.script(reply(tool_calls=[call("mcp__t__echo", {"text": "still vibe"})]), reply("done"))
    # The installed `vibe` command, as a user runs it (`python -m vibe` would put the
    # repository's folder first on the import path for vibe itself).
    command = Path(sys.executable).with_name("vibe")
    run = subprocess.run(
        [str(command), "-p", "use the server"],
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert not ran.exists()
    assert tool_message(vibe_env.fake.requests[1].messages) == "echo: still vibe"

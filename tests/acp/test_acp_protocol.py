"""The protocol surface of `vibe acp`: malformed input, a missing key, modes, model selection,
MCP servers and slash commands."""

from __future__ import annotations

import asyncio
import json
import subprocess
from typing import Any

import pytest
from acp.exceptions import RequestError
from acp.schema import McpServerStdio
from editor_harness import AGENT_COMMAND, FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

BAD_LINES = [
    b"this is not json\n",
    b"[1, 2]\n",
    b'"just a string"\n',
    b'{"jsonrpc":"2.0","id":7,"method":"no/such/method","params":{}}\n',
    b'{"jsonrpc":"2.0","id":8,"method":"session/new","params":{"cwd":5}}\n',
    b'{"jsonrpc":"2.0","id":9}\n',
    b'{"jsonrpc":"2.0","id":10,"method":"session/prompt","params":{"sessionId":"nope","prompt":[]}}\n',
    b"\xff\xfe not utf-8\n",
    b'{"jsonrpc":"1.0","id":12,"method":"initialize","params":{"protocolVersion":1}}\n',
    b'{"id":13,"method":"initialize","params":{"protocolVersion":1}}\n',
    b'{"jsonrpc":2.0,"method":"session/cancel","params":{"sessionId":"x"}}\n',
    b'{"jsonrpc":"2.0","id":11,"method":"initialize","params":{"protocolVersion":1}}\n',
]


async def test_malformed_and_unknown_requests_get_errors_and_the_agent_keeps_serving(
    vibe_env: VibeEnv,
) -> None:
    process = await asyncio.create_subprocess_exec(
        *AGENT_COMMAND,
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b"".join(BAD_LINES))
    await process.stdin.drain()
    answers: list[dict[str, Any]] = []
    async with asyncio.timeout(30):
        while len(answers) < len(BAD_LINES):
            line = await process.stdout.readline()
            assert line, "the agent closed stdout"
            answers.append(json.loads(line))  # stdout carries nothing but protocol messages
        process.stdin.close()
        assert await process.wait() == 0
    assert all(answer["jsonrpc"] == "2.0" for answer in answers)
    by_id = {answer["id"]: answer for answer in answers if answer["id"] is not None}
    anonymous = sorted(answer["error"]["code"] for answer in answers if answer["id"] is None)
    assert anonymous == [-32700, -32700, -32600, -32600, -32600]
    assert by_id[7]["error"]["code"] == -32601
    assert by_id[8]["error"]["code"] == -32602
    assert by_id[9]["error"]["code"] == -32600
    assert by_id[10]["error"]["code"] == -32602
    assert by_id[11]["result"]["protocolVersion"] == 1
    # Not JSON-RPC 2.0: refused as an invalid request, not served.
    assert by_id[12]["error"]["code"] == by_id[13]["error"]["code"] == -32600
    assert "jsonrpc" in by_id[12]["error"]["data"]["details"]


async def test_missing_key_is_a_clear_error_at_authenticate_and_session_new(vibe_env: VibeEnv) -> None:
    vibe_env.extra_env["VIBE_BASE_URL"] = "https://api.mistral.ai/v1"
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor, initialize=False) as (conn, process):
        hello = await conn.initialize(protocol_version=1)
        assert [method.id for method in hello.auth_methods or []] == ["environment"]
        with pytest.raises(RequestError) as at_auth:
            await conn.authenticate(method_id="environment")
        with pytest.raises(RequestError) as at_new:
            await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        assert process.returncode is None  # still serving
    for error in (at_auth.value, at_new.value):
        assert error.code == -32000
        assert "MISTRAL_API_KEY" in str(error)
    assert vibe_env.fake.requests == []


async def test_modes_models_mcp_servers_and_slash_commands(vibe_env: VibeEnv) -> None:
    with (vibe_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write('\n[models.second]\nprovider = "mistral"\nid = "second-model"\n')
    edit = {"path": "calc.py", "old_string": "a - b", "new_string": "a + b"}
    vibe_env.fake.script(
        reply(tool_calls=[call("edit", edit)]), reply("Not allowed in plan mode."), reply("Hi.")
    )
    editor = FakeEditor()
    files = McpServerStdio(name="files", command="/bin/true", args=[], env=[])
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[files])
        sid = session.session_id
        await editor.wait_for(lambda: any("'files'" in start.title for start in editor.tool_starts()))
        await editor.wait_for(lambda: bool(editor.of_kind("available_commands_update")))

        await conn.set_session_mode(session_id=sid, mode_id="plan")
        planned = await conn.prompt(session_id=sid, prompt=prompt_blocks("fix add"))
        switched = await conn.set_config_option(config_id="model", session_id=sid, value="second")
        greeted = await conn.prompt(session_id=sid, prompt=prompt_blocks("hello"))
        command = await conn.prompt(session_id=sid, prompt=prompt_blocks("/mode ask"))
        with pytest.raises(RequestError):
            await conn.set_session_mode(session_id=sid, mode_id="yolo")

    assert session.modes is not None and session.modes.current_mode_id == "accept-edits"
    assert [mode.id for mode in session.modes.available_modes] == ["plan", "ask", "accept-edits", "auto"]
    options = {option.id: option for option in session.config_options or []}
    model_option: Any = options["model"]
    assert model_option.current_value == "devstral-test"
    assert {"devstral-test", "second", "devstral"} <= {choice.value for choice in model_option.options}
    # The editor's server that cannot start is a notice of its own, not text glued to an answer.
    (notice,) = [start for start in editor.tool_starts() if start.tool_call_id.startswith("mcp-server-")]
    assert notice.title.startswith("MCP server 'files' is not available") and notice.status == "failed"
    assert "files" not in editor.agent_text()
    # In the order of the one command table (vibe.protocol.commands), which the TUI lists too.
    assert [c.name for c in editor.of_kind("available_commands_update")[0].available_commands] == [
        "model",
        "compact",
        "mode",
        "undo",
        "redo",
        "rewind",
        "trust",
        "mcp",
    ]

    # Plan mode: the edit is refused by policy, without asking, and the file stays as it was.
    assert planned.stop_reason == "end_turn"
    assert editor.permissions == []
    [start] = [u for u in editor.tool_starts() if not u.tool_call_id.startswith("mcp-server-")]
    assert editor.tool_updates(start.tool_call_id)[-1].status == "failed"
    assert (vibe_env.repo / "calc.py").read_text() == "def add(a, b):\n    return a - b\n"

    # The model switch applies to the next request.
    switched_model: Any = next(o for o in switched.config_options if getattr(o, "id", None) == "model")
    assert switched_model.current_value == "second"
    assert greeted.stop_reason == "end_turn"
    assert [r.body["model"] for r in vibe_env.fake.requests] == [
        "devstral-test",
        "devstral-test",
        "second-model",
    ]

    # /mode is answered here, without a model request.
    assert command.stop_reason == "end_turn"
    assert editor.agent_text().endswith("Permission mode is now ask.")
    assert [u.current_mode_id for u in editor.of_kind("current_mode_update")] == ["ask"]
    assert len(vibe_env.fake.requests) == 3


def test_acp_without_an_editor_on_its_pipes_says_so_instead_of_hanging(vibe_env: VibeEnv) -> None:
    completed = subprocess.run(
        AGENT_COMMAND,
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert completed.returncode == 2 and completed.stdout == ""
    assert "stdin must be a pipe from an editor" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_the_agent_exits_when_the_editor_closes_the_connection(vibe_env: VibeEnv) -> None:
    process = subprocess.Popen(
        AGENT_COMMAND,
        cwd=vibe_env.repo,
        env=vibe_env.env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stderr is not None
    process.stdin.close()  # the editor went away
    assert process.wait(timeout=30) == 0, process.stderr.read()

"""MCP prompts as slash commands in the real `vibe -p`: `/mcp__<server>__<prompt> args` waits
for the servers, fetches the prompt with the typed arguments and sends its text; a missing
required argument is one sentence; a user command of the same name wins, the prompt named once."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from support.extension_files import write_command
from support.vibe_process import TEST_CONFIG, VibeEnv
from tools.fake_mistral import reply

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


def configure(vibe_env: VibeEnv) -> None:
    servers = f"""
[mcp_servers.t]
command = {json.dumps(sys.executable)}
args = [{json.dumps(SERVER)}]
"""
    (vibe_env.home / "config.toml").write_text(TEST_CONFIG + servers, encoding="utf-8")


def test_a_prompt_is_fetched_with_its_arguments_and_sent(vibe_env: VibeEnv) -> None:
    configure(vibe_env)
    vibe_env.fake.script(reply("reviewed"))
    run = vibe_env.run("-p", "/mcp__t__review src/app.py the error handling", "--output", "stream-json")
    assert run.returncode == 0, run.stderr
    # The first word is the first argument; the last argument takes the rest of the line.
    assert (
        vibe_env.fake.requests[0].last_user_text == "Please review src/app.py, looking at the error handling."
    )
    (ran,) = run.of_type("command_run")
    assert (ran["name"], ran["source"], ran["arguments"]) == (
        "mcp__t__review",
        "mcp",
        "src/app.py the error handling",
    )
    # An optional argument left out takes the server's default; quotes group words.
    vibe_env.fake.script(reply("ok"))
    assert vibe_env.run("-p", '/MCP__t__review "my file.py"').returncode == 0
    assert vibe_env.fake.requests[1].last_user_text == "Please review my file.py, looking at everything."


def test_an_image_in_a_prompt_becomes_a_placeholder(vibe_env: VibeEnv) -> None:
    configure(vibe_env)
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "/mcp__t__picture")
    assert run.returncode == 0, run.stderr
    sent = vibe_env.fake.requests[0].last_user_text
    assert (
        sent == "Describe this picture:\n\n[image (image/png) not shown: this conversation takes text only]"
    )


def test_a_missing_required_argument_is_one_sentence_and_nothing_is_sent(vibe_env: VibeEnv) -> None:
    configure(vibe_env)
    run = vibe_env.run("-p", "/mcp__t__review", "--output", "json")
    assert run.returncode != 0
    assert vibe_env.fake.requests == []
    assert "/mcp__t__review needs the argument 'path'" in run.stderr
    assert "/mcp__t__review <path> [focus]" in run.stderr
    assert "Traceback" not in run.stderr
    assert "needs the argument 'path'" in run.result["error"]


def test_a_user_command_of_the_same_name_wins_and_the_prompt_is_named(vibe_env: VibeEnv) -> None:
    configure(vibe_env)
    mine = write_command(vibe_env.home / "commands", "mcp__t__review", "my own review of $ARGUMENTS")
    vibe_env.fake.script(reply("ok"))
    run = vibe_env.run("-p", "/mcp__t__review app.py")
    assert run.returncode == 0, run.stderr
    assert vibe_env.fake.requests[0].last_user_text == "my own review of app.py"
    warning = (
        f"the MCP prompt /mcp__t__review is ignored: your command /mcp__t__review ({mine}) has that name"
    )
    assert run.stderr.count(warning) == 1

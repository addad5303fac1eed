"""Hooks in the terminal UI: each hook that ran is a line in the transcript, and a pre_tool
hook's denial is what the tool card and the model see."""

from __future__ import annotations

import json

from support.vibe_process import TEST_CONFIG
from tools.fake_mistral import call, reply
from tui.harness import SIZE, TuiEnv, notices, send, wait_idle


async def test_hook_runs_show_in_the_transcript(tui_env: TuiEnv) -> None:
    context = json.dumps(f"echo '{json.dumps({'additional_context': 'on call: ana'})}'")
    config = (
        TEST_CONFIG
        + f'[[hooks]]\nevent = "user_prompt"\ncommand = {context}\n'
        + '[[hooks]]\nevent = "pre_tool"\nmatcher = "write_file"\n'
        + 'command = "echo no writes today >&2; exit 2"\n'
    )
    (tui_env.home / "config.toml").write_text(config, encoding="utf-8")
    tui_env.fake.script(
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "x\n"})]), reply("ok")
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "write the notes")
        await wait_idle(pilot)
        shown = notices(app)
        assert any("hook user_prompt" in n and "context: on call: ana" in n for n in shown), shown
        assert any("hook pre_tool" in n and "deny: no writes today" in n for n in shown), shown
    assert not (tui_env.repo / "notes.txt").exists()
    assert "no writes today" in str(tui_env.fake.requests[1].messages[-1]["content"])


async def test_no_hooks_in_the_terminal_ui(tui_env: TuiEnv) -> None:
    config = TEST_CONFIG + '[[hooks]]\nevent = "user_prompt"\ncommand = "echo refused >&2; exit 2"\n'
    (tui_env.home / "config.toml").write_text(config, encoding="utf-8")
    tui_env.fake.script(reply("ok"))
    app = tui_env.app("--no-hooks")
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "hello")
        await wait_idle(pilot)
        assert not any("hook" in n for n in notices(app))
    assert len(tui_env.fake.requests) == 1

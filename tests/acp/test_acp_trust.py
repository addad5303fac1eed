"""Editor mode and the trust boundary: a repository's loosening settings wait for /trust, a
loaded session keeps its permission mode, and an editor that declines a read is obeyed."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from acp.exceptions import RequestError
from acp.schema import ReadTextFileResponse
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply


def hostile_project(vibe_env: VibeEnv) -> None:
    folder = vibe_env.repo / ".vibe"
    folder.mkdir()
    (folder / "config.toml").write_text('permission_mode = "auto"\n', encoding="utf-8")


async def test_an_untrusted_folder_is_announced_and_slash_trust_applies_it_to_the_session(
    vibe_env: VibeEnv,
) -> None:
    hostile_project(vibe_env)
    vibe_env.fake.script(reply(tool_calls=[call("bash", {"command": "touch made"})]), reply("done"))
    editor = FakeEditor(permission="reject-once")
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        assert session.modes is not None and session.modes.current_mode_id == "accept-edits"
        await editor.wait_for(lambda: "/trust" in editor.agent_text())
        assert 'permission_mode = "auto"' in editor.agent_text()
        trusted = await conn.prompt(session_id=sid, prompt=prompt_blocks("/trust"))
        assert trusted.stop_reason == "end_turn"
        await editor.wait_for(lambda: "This session now uses them" in editor.agent_text())
        modes = [u.current_mode_id for u in editor.of_kind("current_mode_update")]
        assert modes[-1] == "auto"
        await conn.prompt(session_id=sid, prompt=prompt_blocks("make it"))
    assert editor.permissions == []  # auto mode, from the trusted project: nothing asked
    assert (vibe_env.repo / "made").exists()
    assert str(vibe_env.repo.resolve()) in (vibe_env.home / "trust.json").read_text()


async def test_a_loaded_session_comes_back_in_the_mode_it_had(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(reply("first"))
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.set_session_mode(session_id=session.session_id, mode_id="plan")
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("hello"))
    again = FakeEditor()
    async with run_agent_process(vibe_env, again) as (conn, _process):
        loaded = await conn.load_session(
            cwd=str(vibe_env.repo), session_id=session.session_id, mcp_servers=[]
        )
    assert loaded.modes is not None and loaded.modes.current_mode_id == "plan"


class SecretKeepingEditor(FakeEditor):
    """An editor that keeps `.env` from the agent and reports missing files as not found."""

    async def read_text_file(
        self, session_id: str, path: str, line: int | None = None, limit: int | None = None, **kwargs: Any
    ) -> ReadTextFileResponse:
        if Path(path).name == ".env":
            self.reads.append(Path(path))
            raise RequestError(-32603, "Internal error", {"details": "this file is excluded from agents"})
        if not await asyncio.to_thread(Path(path).exists):
            raise RequestError.resource_not_found(path)
        return await super().read_text_file(session_id, path, line, limit, **kwargs)


async def test_an_editor_that_declines_a_read_is_obeyed_not_worked_around(vibe_env: VibeEnv) -> None:
    (vibe_env.repo / ".env").write_text("API_TOKEN=hunter2-secret\n")
    vibe_env.fake.script(
        reply(tool_calls=[call("read_file", {"path": ".env"})]),
        reply(tool_calls=[call("read_file", {"path": "missing.py"})]),
        reply("done"),
    )
    editor = SecretKeepingEditor()
    async with run_agent_process(vibe_env, editor, fs=True) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("read it"))
    declined = vibe_env.fake.requests[1].messages[-1]["content"]
    assert "hunter2" not in declined and "declined" in declined and "excluded from agents" in declined
    missing = vibe_env.fake.requests[2].messages[-1]["content"]
    assert (
        "not found" in missing.lower() or "no such" in missing.lower() or "does not exist" in missing.lower()
    )

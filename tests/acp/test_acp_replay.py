"""`session/load` shows a saved conversation as the live session showed it: the same tool call
shapes, and none of the notes the agent loop writes for the model."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

from acp.schema import ContentToolCallContent, FileEditToolCallContent, TextContentBlock, ToolCallStart
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv
from tools.fake_mistral import call, fault, reply

CHECK = "python3 -c 'print(\"checked\")'"
FIX_CALL = {"path": "calc.py", "old_string": "return a - b", "new_string": "return a + b"}


def shown_content(content: list[Any] | None) -> list[object]:
    shown: list[object] = []
    for item in content or []:
        if isinstance(item, ContentToolCallContent) and isinstance(item.content, TextContentBlock):
            shown.append(item.content.text)
        elif isinstance(item, FileEditToolCallContent):
            shown.append(("diff", item.path))
        else:
            shown.append(item)
    return shown


@dataclass(frozen=True)
class Shown:
    """A tool call as the editor ends up showing it: how it started, and its last update."""

    kind: str | None
    title: str
    locations: list[tuple[str, int | None]]
    raw_input: Any
    status: str | None
    content: list[object]


def call_shapes(editor: FakeEditor) -> dict[str, Shown]:
    shapes: dict[str, Shown] = {}
    for start in editor.tool_starts():
        last = editor.tool_updates(start.tool_call_id)[-1]
        shapes[start.tool_call_id] = Shown(
            kind=start.kind,
            title=start.title,
            locations=[(loc.path, loc.line) for loc in start.locations or []],
            raw_input=start.raw_input,
            status=last.status,
            content=shown_content(last.content),
        )
    return shapes


async def load(vibe_env: VibeEnv, session_id: str) -> FakeEditor:
    """A fresh `vibe acp` process (a new editor window) loading the session."""
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        await conn.load_session(cwd=str(vibe_env.repo), session_id=session_id, mcp_servers=[])
    return editor


async def test_a_loaded_session_shows_its_tool_calls_as_they_were_shown_live(vibe_env: VibeEnv) -> None:
    vibe_env.fake.script(
        reply(
            "Looking around.",
            tool_calls=[
                call("read_file", {"path": "calc.py", "offset": 2}),
                call("read_file", {"path": "missing.py"}),
                call("grep", {"pattern": "def add"}),
            ],
        ),
        reply(tool_calls=[call("bash", {"command": CHECK})]),
        reply(tool_calls=[call("edit", FIX_CALL)]),
        reply("Fixed."),
    )
    live = FakeEditor(permission="allow-once")
    async with run_agent_process(vibe_env, live) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        response = await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("fix add"))
    assert response.stop_reason == "end_turn"
    shown_live = call_shapes(live)
    assert len(shown_live) == 5

    replayed = call_shapes(await load(vibe_env, session.session_id))

    edit_id = next(i for i, shape in shown_live.items() if shape.kind == "edit")
    live_edit, replayed_edit = shown_live.pop(edit_id), replayed.pop(edit_id)
    assert replayed == shown_live
    # An edit's full old and new text is not saved: it replays as its result, the diff in text.
    assert live_edit.content == [("diff", str(vibe_env.repo / "calc.py"))]
    assert replace(replayed_edit, content=[]) == replace(live_edit, content=[])
    [result_text] = replayed_edit.content
    assert isinstance(result_text, str) and "+    return a + b" in result_text
    # What the comparison covers, spelled out for the kinds the QA report named.
    titles = {shape.title for shape in shown_live.values()}
    assert CHECK in titles and "Read calc.py" in titles
    [bash] = [shape for shape in shown_live.values() if shape.kind == "execute"]
    [output] = bash.content
    assert isinstance(output, str) and output.startswith("```\nchecked\n") and output.endswith("\n```")


async def test_a_loaded_session_shows_no_notes_meant_for_the_model(vibe_env: VibeEnv) -> None:
    # A stall the test ends by cancelling must not be retried first (TEST_CONFIG waits 0.5 s).
    (vibe_env.home / "config.toml").write_text("[network]\nidle_timeout = 60\n", encoding="utf-8")
    vibe_env.fake.script(
        fault.stall_after("Partial answ", seconds=30),  # cut short mid-answer
        fault.stall_after("", seconds=30),  # stopped before any answer: the next run adds a placeholder
        reply("All done."),
    )
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        sid = session.session_id
        turn = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("go")))
        await editor.wait_for(lambda: "Partial" in editor.agent_text())
        await conn.cancel(session_id=sid)
        assert (await turn).stop_reason == "cancelled"

        turn = asyncio.create_task(conn.prompt(session_id=sid, prompt=prompt_blocks("again")))
        await asyncio.to_thread(vibe_env.fake.wait_for_requests, 2)
        await conn.cancel(session_id=sid)
        assert (await turn).stop_reason == "cancelled"

        done = await conn.prompt(session_id=sid, prompt=prompt_blocks("go on"))
    assert done.stop_reason == "end_turn"
    # The model did read both notes: the session really holds them.
    sent = " ".join(str(m.get("content")) for m in vibe_env.fake.requests[-1].messages)
    assert "[cut short: the run was interrupted]" in sent and "[no reply:" in sent

    loaded = await load(vibe_env, sid)
    answers = [
        u.content.text
        for u in loaded.of_kind("agent_message_chunk")
        if isinstance(u.content, TextContentBlock)
    ]
    assert answers == ["Partial answ", "All done."]
    users = [u.content.text for u in loaded.of_kind("user_message_chunk")]
    assert users == ["go", "again", "go on"]
    assert not [u for u in loaded.updates if isinstance(u, ToolCallStart)]

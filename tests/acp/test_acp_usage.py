"""Usage in `vibe acp`: after each model request the editor learns how full the context window
is and what the session has cost (ACP `usage_update`), across prompts; and two sessions in
different folders run their turns side by side."""

from __future__ import annotations

import asyncio

from acp.schema import UsageUpdate
from editor_harness import FakeEditor, prompt_blocks, run_agent_process

from support.vibe_process import VibeEnv, make_repo
from tools.fake_mistral import RecordedRequest, Reply, call, reply

PRICED = """
[models.priced]
provider = "mistral"
id = "devstral-test"
context_window = 100000
input_price = 1000.0
output_price = 2000.0
"""


async def test_usage_updates_report_the_context_and_the_sessions_cost(vibe_env: VibeEnv) -> None:
    with (vibe_env.home / "config.toml").open("a", encoding="utf-8") as config:
        config.write(PRICED)
    vibe_env.extra_env["VIBE_MODEL"] = "priced"
    vibe_env.fake.script(
        reply(tool_calls=[call("glob", {"pattern": "*.py"})], usage=(100, 10)),
        reply("One.", usage=(200, 5)),
        reply("Two.", usage=(300, 5)),
    )
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        session = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("first"))
        await conn.prompt(session_id=session.session_id, prompt=prompt_blocks("second"))

    usage = [u for u in editor.updates if isinstance(u, UsageUpdate)]
    # Per million tokens: $1000 in, $2000 out. The cost adds up over the session's prompts.
    assert [(u.used, u.size, u.cost.amount if u.cost else None) for u in usage] == [
        (110, 100000, 0.12),
        (205, 100000, 0.33),
        (305, 100000, 0.64),
    ]
    assert {u.cost.currency for u in usage if u.cost} == {"USD"}


async def test_sessions_in_two_folders_run_side_by_side(vibe_env: VibeEnv) -> None:
    other = make_repo(vibe_env.repo.parent / "other", {"notes.txt": "other folder\n"})

    def answer(request: RecordedRequest) -> Reply:
        return (
            reply("Listed.") if request.tool_results else reply(tool_calls=[call("glob", {"pattern": "*"})])
        )

    vibe_env.fake.script(*[answer] * 4)
    editor = FakeEditor()
    async with run_agent_process(vibe_env, editor) as (conn, _process):
        here = await conn.new_session(cwd=str(vibe_env.repo), mcp_servers=[])
        there = await conn.new_session(cwd=str(other), mcp_servers=[])
        responses = await asyncio.gather(
            conn.prompt(session_id=here.session_id, prompt=prompt_blocks("here")),
            conn.prompt(session_id=there.session_id, prompt=prompt_blocks("there")),
        )

    assert [r.stop_reason for r in responses] == ["end_turn", "end_turn"]
    listed = {r.last_user_text: r.tool_results[0] for r in vibe_env.fake.requests if r.tool_results}
    assert "calc.py" in listed["here"] and "notes.txt" not in listed["here"]
    assert "notes.txt" in listed["there"] and "calc.py" not in listed["there"]

"""/agent in the terminal UI: pick a custom agent, and a repository's agent only once trusted."""

from __future__ import annotations

from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, notices, send, wait_for, wait_idle
from vibe.tui.trust import TrustScreen

REPO_AGENT = "---\nname: repo-agent\ndescription: From the repository.\n---\nRepository instructions.\n"


def _tool_names(request: object) -> set[str]:
    body = getattr(request, "body")  # noqa: B009 - a RecordedRequest
    return {tool["function"]["name"] for tool in body.get("tools", [])}


async def test_agent_switches_what_the_model_is_told_and_may_use(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("reviewed"), reply("as configured"))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await send(pilot, "/agent review")
        await wait_for(pilot, lambda: any("agent: review (mode plan)" in n for n in notices(app)))
        await send(pilot, "review please")
        await wait_idle(pilot)
        await send(pilot, "/agent default")
        await wait_for(pilot, lambda: any("agent: default" in n for n in notices(app)))
        await send(pilot, "now as usual")
        await wait_idle(pilot)
    review, usual = tui_env.fake.requests
    assert "Working as the agent `review`" in review.body["messages"][0]["content"]
    assert "write_file" not in _tool_names(review) and "git_diff" in _tool_names(review)
    assert "Working as the agent" not in usual.body["messages"][0]["content"]
    assert {"write_file", "task"} <= _tool_names(usual)


async def test_a_repository_agent_is_not_offered_until_the_folder_is_trusted(tui_env: TuiEnv) -> None:
    folder = tui_env.repo / ".vibe" / "agents"
    folder.mkdir(parents=True)
    (folder / "repo-agent.md").write_text(REPO_AGENT)
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, TrustScreen))
        await pilot.press("n")  # not now
        await wait_for(pilot, lambda: app.conversation is not None)
        conversation = app.conversation
        assert conversation is not None
        assert "repo-agent" not in [choice.name for choice in conversation.agents()]
        await send(pilot, "/agent repo-agent")
        await wait_for(pilot, lambda: any("no agent named `repo-agent`" in n for n in notices(app)))
        assert conversation.agent_name == "default"
    trusting = tui_env.app()
    async with trusting.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(trusting.screen, TrustScreen))
        await pilot.press("t")
        await wait_for(pilot, lambda: trusting.conversation is not None)
        await send(pilot, "/agent repo-agent")
        await wait_for(pilot, lambda: any("agent: repo-agent" in n for n in notices(trusting)))


async def test_a_subagents_calls_show_nested_under_its_task(tui_env: TuiEnv) -> None:
    from tools.fake_mistral import call
    from vibe.tui.tool_card import ToolCard

    task = call("task", {"prompt": "read the readme", "description": "readme"})
    tui_env.fake.script(
        reply(tool_calls=[task]),
        reply(tool_calls=[call("read_file", {"path": "README.md"})]),
        reply("it says demo"),
        reply("done"),
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "use a subagent")
        await wait_idle(pilot)
        cards = list(app.query(ToolCard))
        shown = [(card.tool, card.parent_call_id) for card in cards]
        assert shown == [("task", None), ("read_file", task.id)]
        assert cards[1].has_class("-nested") and not cards[0].has_class("-nested")
        assert [card.status for card in cards] == ["ok", "ok"]


async def test_status_names_the_agent_and_lists_the_hooks_with_their_file(tui_env: TuiEnv) -> None:
    from support.vibe_process import TEST_CONFIG

    config_file = tui_env.home / "config.toml"
    hooks = '[[hooks]]\nevent = "pre_tool"\nmatcher = "write_*"\ncommand = "./check.sh"\n'
    config_file.write_text(TEST_CONFIG + hooks + '[[hooks]]\nevent = "stop"\ncommand = "make lint"\n')
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        await send(pilot, "/agent review")
        await wait_for(pilot, lambda: any("agent: review" in n for n in notices(app)))
        await send(pilot, "/status")
        await wait_for(pilot, lambda: any("endpoint" in n for n in notices(app)))
        status = next(n for n in notices(app) if "endpoint" in n)
    assert "agent     review" in status
    assert f"pre_tool [write_*]: ./check.sh  (from {config_file})" in status
    assert f"stop: make lint  (from {config_file})" in status

"""A subagent on its agent's own model, and the parent's budget counting what subagents spend:
priced at the subagent's prices, shared between tasks running side by side, bounded in time."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import cast

from support.conversations import events_of, make_home, open_conversation
from support.processes import assert_all_dead, new_marker, sleeper
from support.vibe_process import make_repo
from tools.fake_mistral import FakeMistral, call, reply
from vibe.composition.conversation_host import EngineHost
from vibe.composition.engine import Engine
from vibe.composition.run_options import RunOptions
from vibe.messages import Message, ToolCall, ToolMessage, Usage
from vibe.model import deltas
from vibe.model.client import ChatClient
from vibe.model.types import Sampling, ToolSpec
from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.service.conversation import Conversation

# Completion tokens cost a dollar each, prompt tokens nothing: a budget check before a request
# (which prices the prompt alone) never stops one, so what stops the runs is what was spent.
PRICEY = """
[models.pricey]
provider = "mistral"
id = "pricey-model"
input_price = 0.0
output_price = 1000000.0
"""


def _agent(home: Path, name: str, front: str) -> None:
    folder = home / "agents"
    folder.mkdir(exist_ok=True)
    body = f"---\nname: {name}\ndescription: A test agent.\n{front}---\nDo the job.\n"
    (folder / f"{name}.md").write_text(body, encoding="utf-8")


def _result(events: list[ev.AgentEvent]) -> ev.Result:
    result = events[-1]
    assert isinstance(result, ev.Result), result
    return result


async def test_a_task_runs_on_its_agents_model_and_is_priced_at_its_prices(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home", PRICEY)
    _agent(home, "priced", "model: pricey\n")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    fake_mistral.script(
        reply(tool_calls=[call("task", {"prompt": "look", "agent": "priced"}, id="t1")], usage=(5, 5)),
        reply("the subagent's answer", usage=(5, 3)),
        reply("done", usage=(5, 5)),
    )
    async with open_conversation(home, repo, fake_mistral) as conversation:
        events = await events_of(conversation, op.Prompt(text="delegate"))
    result = _result(events)
    assert result.stop_reason == "end_turn", result
    models = [request.body.get("model") for request in fake_mistral.requests]
    assert models == ["devstral-test", "pricey-model", "devstral-test"]
    # The parent's model is unpriced; the subagent's three completion tokens cost $1 each.
    assert result.cost_usd == 3.0


async def test_an_agents_model_that_cannot_be_used_is_the_tasks_error(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home", '[models.lost]\nprovider = "nowhere"\nid = "lost-model"\n')
    _agent(home, "lost", "model: lost\n")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    fake_mistral.script(
        reply(tool_calls=[call("task", {"prompt": "look", "agent": "lost"}, id="t1")]),
        reply("could not delegate"),
    )
    async with open_conversation(home, repo, fake_mistral) as conversation:
        events = await events_of(conversation, op.Prompt(text="delegate"))
    assert _result(events).stop_reason == "end_turn"
    [finished] = [e for e in events if isinstance(e, ev.ToolCallFinished) and e.call_id == "t1"]
    assert finished.status == "error"
    assert "model `lost` cannot be used" in finished.output and "nowhere" in finished.output
    assert len(fake_mistral.requests) == 2  # no request for the subagent


async def test_max_cost_counts_a_subagent_on_a_pricier_model(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home", PRICEY + "\n[limits]\nmax_cost = 5.0\n")
    _agent(home, "priced", "model: pricey\n")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    fake_mistral.script(
        reply(tool_calls=[call("task", {"prompt": "look", "agent": "priced"}, id="t1")], usage=(5, 5)),
        reply(tool_calls=[call("read_file", {"path": "README.md"})], usage=(5, 8)),
        reply("never asked for"),
        reply("never asked for either"),
    )
    async with open_conversation(home, repo, fake_mistral) as conversation:
        events = await events_of(conversation, op.Prompt(text="delegate"))
    result = _result(events)
    # $8 spent by the subagent: it stops itself, and the parent makes no further request.
    assert (result.stop_reason, result.cost_usd) == ("max_cost", 8.0)
    assert len(fake_mistral.requests) == 2
    [finished] = [e for e in events if isinstance(e, ev.ToolCallFinished) and e.call_id == "t1"]
    assert "max cost" in finished.output


async def test_the_time_limit_ends_a_subagent_and_its_process(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home", 'permission_mode = "auto"\n[limits]\ntime_limit = 2.0\n')
    _agent(home, "runner", "tools: [bash]\n")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    marker = new_marker()
    fake_mistral.script(
        reply(tool_calls=[call("task", {"prompt": "run it", "agent": "runner"}, id="t1")]),
        reply(tool_calls=[call("bash", {"command": sleeper(marker)})]),
    )
    async with open_conversation(home, repo, fake_mistral) as conversation:
        async with asyncio.timeout(30):
            events = await events_of(conversation, op.Prompt(text="delegate"))
    result = _result(events)
    assert (result.status, result.stop_reason) == ("limit", "time_limit")
    assert result.duration_ms < 20_000
    await assert_all_dead(marker)


class SpendingModel:
    """The parent asks for two tasks at once; each subagent's first request is answered only
    once both have asked (so both start with the same budget left), with a tool call, so each
    would ask again if its own budget alone were checked."""

    def __init__(self) -> None:
        self.both_asking = asyncio.Barrier(2)
        self.subagent_requests = 0

    async def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], sampling: Sampling
    ) -> AsyncIterator[deltas.Delta]:
        spent = deltas.UsageDelta(Usage(prompt_tokens=1, completion_tokens=10))
        if "read-only explorer" in messages[0].content:
            self.subagent_requests += 1
            if not any(isinstance(message, ToolMessage) for message in messages):
                async with asyncio.timeout(10):
                    await self.both_asking.wait()
                yield deltas.ToolCallDelta(ToolCall(id="g", name="glob", arguments='{"pattern": "*.md"}'))
                yield spent
                yield deltas.Finish("tool_calls")
                return
            yield deltas.TextDelta("found it")
            yield spent
            yield deltas.Finish("stop")
        elif not any(isinstance(message, ToolMessage) for message in messages):
            for number in range(2):
                arguments = json.dumps({"prompt": f"job {number}"})
                yield deltas.ToolCallDelta(ToolCall(id=f"task{number}", name="task", arguments=arguments))
            yield spent
            yield deltas.Finish("tool_calls")
        else:
            yield deltas.TextDelta("done")
            yield spent
            yield deltas.Finish("stop")

    async def context_window(self, model_id: str) -> int | None:
        return None

    async def aclose(self) -> None:
        return None


async def test_tasks_side_by_side_draw_from_one_remaining_budget(tmp_path: Path) -> None:
    home = make_home(tmp_path / "home", PRICEY + "\n[limits]\nmax_cost = 25.0\n")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    env = {"VIBE_HOME": str(home), "VIBE_BASE_URL": "http://127.0.0.1:9", "VIBE_MODEL": "pricey"}
    engine = Engine.load(repo, env, {})
    model = SpendingModel()
    engine.client = cast(ChatClient, model)
    conversation = Conversation(EngineHost(lambda: engine, RunOptions(cwd=repo, frontend="terminal")))
    await conversation.open()
    try:
        events = await events_of(conversation, op.Prompt(text="two jobs"))
    finally:
        await conversation.aclose()
    result = _result(events)
    # $10 for the parent's request, $10 for each subagent's first: $5 over the $25 budget that
    # both started from, and neither asks again (each alone had $5 of its own $15 left).
    assert model.subagent_requests == 2
    assert (result.stop_reason, result.cost_usd) == ("max_cost", 30.0)

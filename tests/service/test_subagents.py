"""Subagents through the conversation service over the real engine: several at once, approvals
through the parent's approver, and cancellation that leaves no process behind."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, cast

from support.conversations import make_home, open_conversation
from support.processes import assert_all_dead, new_marker, sleeper, wait_until_running
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

RUNNER = "---\nname: runner\ndescription: Runs commands.\ntools: [bash]\n---\nRun what you are asked.\n"


class MeetingModel:
    """The parent asks for two tasks in one turn; each subagent's first request waits until the
    other's has arrived too, which only happens if they run at the same time."""

    def __init__(self) -> None:
        self.both_asking = asyncio.Barrier(2)
        self.prompts: list[str] = []

    async def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], sampling: Sampling
    ) -> AsyncIterator[deltas.Delta]:
        usage = deltas.UsageDelta(Usage(prompt_tokens=10, completion_tokens=5))
        if "read-only explorer" in messages[0].content:
            self.prompts.append(messages[1].content)
            async with asyncio.timeout(10):
                await self.both_asking.wait()
            yield deltas.TextDelta(f"answer to {messages[1].content}")
            yield usage
            yield deltas.Finish("stop")
        elif not any(isinstance(message, ToolMessage) for message in messages):
            for number, question in enumerate(("one", "two")):
                arguments = json.dumps({"prompt": question})
                yield deltas.ToolCallDelta(ToolCall(id=f"task{number}", name="task", arguments=arguments))
            yield usage
            yield deltas.Finish("tool_calls")
        else:
            yield deltas.TextDelta("done")
            yield usage
            yield deltas.Finish("stop")

    async def context_window(self, model_id: str) -> int | None:
        return None

    async def aclose(self) -> None:
        return None


async def test_tasks_of_one_turn_run_side_by_side(tmp_path: Path, fake_mistral: FakeMistral) -> None:
    home = make_home(tmp_path / "home")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    env = {"VIBE_HOME": str(home), "VIBE_BASE_URL": fake_mistral.base_url, "VIBE_MODEL": "devstral-test"}
    engine = Engine.load(repo, env, {})
    model = MeetingModel()
    engine.client = cast(ChatClient, model)
    conversation = Conversation(EngineHost(lambda: engine, RunOptions(cwd=repo, frontend="terminal")))
    await conversation.open()
    try:
        events = [event async for event in conversation.submit(op.Prompt(text="two questions"))]
    finally:
        await conversation.aclose()
    result = events[-1]
    assert isinstance(result, ev.Result) and result.stop_reason == "end_turn", result
    assert sorted(model.prompts) == ["one", "two"]
    answers = {e.call_id: e.output for e in events if isinstance(e, ev.ToolCallFinished) and e.tool == "task"}
    assert answers == {"task0": "answer to one", "task1": "answer to two"}
    # Both subagents' requests count in the run: the parent's two and one each.
    assert result.prompt_tokens == 40


async def test_cancelling_the_parent_cancels_the_subagent_and_its_process(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home", 'permission_mode = "ask"\n')
    (home / "agents").mkdir()
    (home / "agents" / "runner.md").write_text(RUNNER)
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    marker = new_marker()
    fake_mistral.script(
        reply(tool_calls=[call("task", {"prompt": "run it", "agent": "runner"}, id="parenttask")]),
        reply(tool_calls=[call("bash", {"command": sleeper(marker)})]),
    )
    seen: list[ev.AgentEvent] = []
    async with open_conversation(home, repo, fake_mistral) as conversation:
        async for event in conversation.submit(op.Prompt(text="go")):
            seen.append(event)
            if isinstance(event, ev.ApprovalRequested):
                # The subagent's question reaches the parent's approver, under the id shown.
                assert event.parent_call_id == "parenttask" and event.call_id.startswith("parenttask.")
                reply_op = op.ApprovalReply(call_id=event.call_id, approved=True)
                await _drain(conversation.submit(reply_op))
                await wait_until_running(marker)  # the agent runs in its own task meanwhile
                conversation.interrupt()
    result = seen[-1]
    assert isinstance(result, ev.Result) and result.stop_reason == "cancelled"
    [bash] = [e for e in seen if isinstance(e, ev.ToolCallStarted) and e.tool == "bash"]
    assert bash.parent_call_id == "parenttask"
    task_end = [e for e in seen if isinstance(e, ev.ToolCallFinished) and e.call_id == "parenttask"]
    assert [e.status for e in task_end] == ["cancelled"]
    await assert_all_dead(marker)


async def _drain(events: AsyncIterator[Any]) -> None:
    async for _event in events:
        pass


async def test_a_resumed_session_shows_the_task_and_not_the_subagents_transcript(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    fake_mistral.script(
        reply(tool_calls=[call("task", {"prompt": "read it"}, id="thetask")]),
        reply(tool_calls=[call("read_file", {"path": "README.md"})]),
        reply("it says demo"),
        reply("done"),
    )
    async with open_conversation(home, repo, fake_mistral) as conversation:
        await _drain(conversation.submit(op.Prompt(text="delegate")))
        session_id = conversation.session_id
        await _drain(conversation.submit(op.NewConversation()))
        replayed = [e async for e in conversation.submit(op.ResumeConversation(session_id=session_id))]
    finished = [e for e in replayed if isinstance(e, ev.ToolCallFinished)]
    assert [(e.call_id, e.output) for e in finished] == [("thetask", "it says demo")]
    history = conversation.agent.history
    assert not any(isinstance(m, ToolMessage) and m.name == "read_file" for m in history)

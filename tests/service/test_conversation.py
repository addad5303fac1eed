"""The conversation service over the real engine and the scripted endpoint: operations in, events
out, the same for every frontend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support.conversations import events_of, make_home, open_conversation
from support.vibe_process import make_repo
from tools.fake_mistral import FakeMistral, call, reply
from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.protocol.commands import find_command
from vibe.service.commands import operation_for
from vibe.service.conversation import Conversation
from vibe.service.host import ServiceError

SMALL_MODEL = """
[models.small]
provider = "mistral"
id = "small-test"
context_window = 32000
input_price = 1.0
output_price = 2.0

[models.orphan]
provider = "nowhere"
id = "orphan-test"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"README.md": "demo\n"})


@pytest.fixture
async def conversation(tmp_path: Path, repo: Path, fake_mistral: FakeMistral) -> AsyncIterator[Conversation]:
    home = make_home(tmp_path / "home", 'permission_mode = "ask"\n' + SMALL_MODEL)
    async with open_conversation(home, repo, fake_mistral) as conversation:
        yield conversation


async def test_switches_answer_with_their_event_and_the_model_chosen_sticks_across_new(
    conversation: Conversation,
) -> None:
    (changed,) = await events_of(conversation, op.SetMode(mode="plan"))
    assert isinstance(changed, ev.ModeChanged) and changed.permission_mode == "plan"
    assert conversation.mode == "plan"
    (switched,) = await events_of(conversation, op.SetModel(name="small"))
    assert isinstance(switched, ev.ModelChanged)
    assert (switched.model, switched.name, switched.context_window) == ("small-test", "small", 32000)
    assert switched.seq > changed.seq, "numbered with everything the agent says"
    first = conversation.session_id
    assert await events_of(conversation, op.NewConversation()) == []
    assert conversation.session_id != first
    assert (conversation.facts.model, conversation.model_name) == ("small-test", "small")
    names = [choice.name for choice in conversation.models()]
    assert names[0] == "devstral-test" and "small" in names


async def test_a_model_that_cannot_be_used_changes_nothing(conversation: Conversation) -> None:
    with pytest.raises(ServiceError, match="nowhere"):
        await events_of(conversation, op.SetModel(name="orphan"))
    assert conversation.model_name == "devstral-test"


async def test_an_unknown_session_keeps_the_current_conversation(conversation: Conversation) -> None:
    current = conversation.session_id
    with pytest.raises(ServiceError) as raised:
        await events_of(conversation, op.ResumeConversation(session_id="20200101-000000-000000-dead"))
    assert raised.value.not_found
    assert conversation.session_id == current


async def test_approvals_are_one_request_and_one_reply(
    conversation: Conversation, fake_mistral: FakeMistral, repo: Path
) -> None:
    fake_mistral.script(
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": "one\n"})]),
        reply(tool_calls=[call("write_file", {"path": "b.txt", "content": "two\n"})]),
        reply("done"),
    )
    seen: list[ev.AgentEvent] = []
    answers = iter(
        [
            op.ApprovalReply(call_id="", approved=True),
            op.ApprovalReply(call_id="", approved=False, feedback="not b"),
        ]
    )
    async for event in conversation.submit(op.Prompt(text="write two files")):
        seen.append(event)
        if isinstance(event, ev.ApprovalRequested):
            assert conversation.pending_approvals == [event.call_id]
            answer = next(answers).model_copy(update={"call_id": event.call_id})
            assert await events_of(conversation, answer) == []
    assert (repo / "a.txt").read_text() == "one\n" and not (repo / "b.txt").exists()
    finished = [e.status for e in seen if isinstance(e, ev.ToolCallFinished)]
    assert finished == ["ok", "denied"]
    assert "The user says: not b" in fake_mistral.requests[2].messages[-1]["content"]
    assert isinstance(seen[-1], ev.Result) and seen[-1].status == "success"


async def test_an_interrupt_answers_the_open_question_and_ends_the_run(
    conversation: Conversation, fake_mistral: FakeMistral, repo: Path
) -> None:
    fake_mistral.script(reply(tool_calls=[call("bash", {"command": "touch x"})]))
    seen: list[ev.AgentEvent] = []
    async for event in conversation.submit(op.Prompt(text="touch it")):
        seen.append(event)
        if isinstance(event, ev.ApprovalRequested):
            assert await events_of(conversation, op.Interrupt()) == []
    assert not (repo / "x").exists()
    result = seen[-1]
    assert isinstance(result, ev.Result) and result.stop_reason == "cancelled"
    assert conversation.pending_approvals == []


async def test_totals_add_up_across_runs(conversation: Conversation, fake_mistral: FakeMistral) -> None:
    await events_of(conversation, op.SetModel(name="small"))  # priced, so cost adds up too
    fake_mistral.script(reply("one", usage=(1000, 100)), reply("two", usage=(2000, 200)))
    await events_of(conversation, op.Prompt(text="first"))
    await events_of(conversation, op.Prompt(text="second"))
    totals = conversation.totals
    assert (totals.prompt_tokens, totals.completion_tokens, totals.context_used) == (3000, 300, 2200)
    assert totals.cost_usd == pytest.approx((3000 * 1.0 + 300 * 2.0) / 1_000_000)


async def test_resuming_tells_the_saved_conversation_again(
    conversation: Conversation, fake_mistral: FakeMistral
) -> None:
    fake_mistral.script(reply("hello back"))
    await events_of(conversation, op.Prompt(text="hello"))
    saved = conversation.session_id
    await events_of(conversation, op.NewConversation())
    replayed = await events_of(conversation, op.ResumeConversation(session_id=saved))
    assert conversation.session_id == saved and conversation.facts.resumed
    assert isinstance(replayed[0], ev.UserPrompt) and replayed[0].text == "hello"
    assert "hello back" in "".join(e.text for e in replayed if isinstance(e, ev.TextDelta))


def test_slash_commands_name_their_operation_once() -> None:
    def typed(text: str) -> op.Operation | None:
        name, _, argument = text.partition(" ")
        command = find_command(name, "tui")
        assert command is not None
        return operation_for(command, argument)

    assert typed("/mode plan") == op.SetMode(mode="plan")
    assert typed("/mode") is None, "the frontend asks which"
    assert typed("/model small") == op.SetModel(name="small")
    assert typed("/compact keep the API") == op.Compact(instructions="keep the API")
    assert typed("/compact") == op.Compact()
    assert typed("/resume abc") == op.ResumeConversation(session_id="abc")
    assert typed("/new") == typed("/clear") == op.NewConversation()
    assert typed("/status") is None
    with pytest.raises(
        ServiceError, match="unknown mode 'yolo'; choose one of plan, ask, accept-edits, auto"
    ):
        typed("/mode yolo")


async def test_a_users_own_command_runs_as_the_bash_tool_runs_the_models(
    conversation: Conversation, fake_mistral: FakeMistral, repo: Path
) -> None:
    streamed: list[str] = []
    result = await conversation.run_user_command(
        "printf 'made \\033[31mred\\033[0m\\n'; touch by-user; exit 3", streamed.append
    )
    assert not result.ok and result.output.endswith("exit code: 3")
    assert "made red" in result.output and "\x1b" not in "".join(streamed) + result.output
    assert (repo / "by-user").exists(), "in the workspace, through the agent's sandbox"
    assert fake_mistral.requests == [] and not conversation.has_history, "the model is not involved"

"""The agent loop against a scripted model and small purpose-built tools."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from support.scripted_model import ScriptedModel, calls, text
from vibe.agent.approvals import (
    ApprovalAbortedError,
    ApprovalRequest,
    Decision,
    HeadlessApprover,
    ModePolicy,
)
from vibe.agent.budget import Pricing, RunLimits
from vibe.agent.call_seams import CallSeam
from vibe.agent.loop import Agent
from vibe.agent.repo_map_context import MapBuilder
from vibe.agent.session_facts import AgentSettings, SessionFacts
from vibe.messages import AssistantMessage, Message, ToolMessage, UserMessage
from vibe.model import deltas
from vibe.model.types import ModelError, Sampling
from vibe.notes import with_note_in_text
from vibe.protocol import events as ev
from vibe.sandbox.base import NoSandbox
from vibe.session.store import SessionStore
from vibe.tools.base import Invocation, Tool, ToolContext, ToolRegistry, ToolResult
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace


class EchoArgs(BaseModel):
    word: str


class Echo(Tool[EchoArgs]):
    name = "echo"
    args_model = EchoArgs
    kind = "read"
    read_only = True

    def description(self) -> str:
        return "Echo a word."

    async def prepare(self, args: EchoArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            return ToolResult(output=f"echo: {args.word}")

        return Invocation(title=f"Echo {args.word}", execute=execute)


class Rendezvous(Tool[EchoArgs]):
    """Read-only tool that only returns once two calls are running at the same time."""

    name = "rendezvous"
    args_model = EchoArgs
    kind = "read"
    read_only = True
    barrier: ClassVar[asyncio.Barrier | None] = None

    def description(self) -> str:
        return "Wait for a partner."

    async def prepare(self, args: EchoArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            assert Rendezvous.barrier is not None
            await Rendezvous.barrier.wait()
            return ToolResult(output=f"met {args.word}")

        return Invocation(title="meet", execute=execute)


class Touch(Tool[EchoArgs]):
    """A mutating tool: creates a file named by `word`."""

    name = "touch"
    args_model = EchoArgs
    kind = "edit"
    read_only = False

    def description(self) -> str:
        return "Create a file."

    async def prepare(self, args: EchoArgs, ctx: ToolContext) -> Invocation | ToolResult:
        path = ctx.workspace.resolve(args.word)

        async def execute() -> ToolResult:
            await ctx.fs.write_text(path, "touched\n")
            return ToolResult(output=f"created {args.word}")

        return Invocation(title=f"Create {args.word}", execute=execute, mutates=True, diff="+touched")


class Run(Tool[EchoArgs]):
    """A command-like tool that never finishes until cancelled."""

    name = "run"
    args_model = EchoArgs
    kind = "execute"
    read_only = False
    started: ClassVar[asyncio.Event | None] = None

    def description(self) -> str:
        return "Run forever."

    async def prepare(self, args: EchoArgs, ctx: ToolContext) -> Invocation | ToolResult:
        async def execute() -> ToolResult:
            assert Run.started is not None
            Run.started.set()
            await asyncio.Event().wait()
            return ToolResult(output="unreachable")

        return Invocation(title=f"run {args.word}", execute=execute, mutates=True, command=args.word)


class AllowAll:
    def __init__(self) -> None:
        self.requests: list[ApprovalRequest] = []

    async def decide(self, request: ApprovalRequest) -> Decision:
        self.requests.append(request)
        return Decision(approved=True)


def make_agent(
    tmp_path: Path,
    model: ScriptedModel,
    *,
    mode: str = "accept-edits",
    auto_approve: bool = False,
    approver: Any = None,
    limits: RunLimits | None = None,
    pricing: Pricing | None = None,
    session_root: Path | None = None,
    history: list[Message] | None = None,
    tool_timeout: float | None = None,
    observers: Sequence[Callable[[ev.AgentEvent], None]] = (),
    seams: Sequence[CallSeam] = (),
    repo_map: MapBuilder | None = None,
) -> Agent:
    registry = ToolRegistry()
    for tool in (Echo(), Rendezvous(), Touch(), Run()):
        registry.register(tool)
    session = SessionStore(session_root).create(tmp_path, "m") if session_root else None
    return Agent(
        model=model,
        tools=registry,
        tool_context=ToolContext(
            workspace=Workspace.create(tmp_path),
            fs=LocalFileSystem(),
            sandbox=NoSandbox(),
            tool_timeout=tool_timeout,
        ),
        policy=ModePolicy(mode, auto_approve=auto_approve),  # type: ignore[arg-type]
        approver=approver or HeadlessApprover(),
        settings=AgentSettings(
            sampling=Sampling(model="m"),
            system_prompt="You are a test.",
            limits=limits or RunLimits(),
            pricing=pricing or Pricing(),
        ),
        facts=SessionFacts(
            session_id=session.id if session else "s1",
            resumed=False,
            cwd=str(tmp_path),
            workspace_roots=[str(tmp_path)],
            model="m",
            provider="p",
            base_url="http://127.0.0.1:1/v1",
            permission_mode=mode,
            sandbox="none",
        ),
        session=session,
        history=history,
        observers=observers,
        seams=seams,
        repo_map=repo_map,
    )


async def collect(agent: Agent, prompt: str) -> list[ev.AgentEvent]:
    return [event async for event in agent.run(prompt)]


def result_of(events: list[ev.AgentEvent]) -> ev.Result:
    assert isinstance(events[-1], ev.Result)
    return events[-1]


async def test_text_answer_streams_and_ends_with_result(tmp_path: Path) -> None:
    agent = make_agent(tmp_path, ScriptedModel(text("Hello there")))
    events = await collect(agent, "hi")
    kinds = [e.type for e in events]
    assert kinds[:2] == ["session_started", "turn_started"]
    assert "".join(e.text for e in events if isinstance(e, ev.TextDelta)) == "Hello there"
    assert [e.seq for e in events] == sorted({e.seq for e in events})
    result = result_of(events)
    assert (result.status, result.stop_reason, result.final_text, result.turns) == (
        "success",
        "end_turn",
        "Hello there",
        1,
    )
    assert (result.prompt_tokens, result.completion_tokens) == (100, 10)


async def test_tool_results_go_back_to_the_model(tmp_path: Path) -> None:
    model = ScriptedModel(calls(("echo", {"word": "ping"})), text("got it"))
    events = await collect(make_agent(tmp_path, model), "echo ping")
    finished = [e for e in events if isinstance(e, ev.ToolCallFinished)]
    assert [(f.tool, f.status, f.output) for f in finished] == [("echo", "ok", "echo: ping")]
    second_request = model.requests[1]
    assert isinstance(second_request[-1], ToolMessage)
    assert second_request[-1].content == "echo: ping"
    assert result_of(events).tool_calls == {"echo": 1}


async def test_bad_calls_become_readable_results(tmp_path: Path) -> None:
    model = ScriptedModel(
        calls(("nope", {}), ("echo", {"wrong": 1}), ("echo", {"word": "ok"})),
        text("fine"),
    )
    events = await collect(make_agent(tmp_path, model), "go")
    outputs = [m.content for m in model.requests[1] if isinstance(m, ToolMessage)]
    assert "Unknown tool 'nope'" in outputs[0] and "echo" in outputs[0]
    assert "Invalid arguments for echo" in outputs[1] and "word" in outputs[1]
    assert outputs[2] == "echo: ok"
    assert result_of(events).status == "success"


async def test_retry_discards_the_failed_attempts_text(tmp_path: Path) -> None:
    model = ScriptedModel(
        [
            deltas.TextDelta("partial ans"),
            deltas.Retrying(attempt=1, delay_seconds=0.5, reason="connection dropped"),
            deltas.TextDelta("Complete answer"),
            deltas.Finish("stop"),
        ]
    )
    agent = make_agent(tmp_path, model)
    events = await collect(agent, "q")
    retry_index = next(i for i, e in enumerate(events) if isinstance(e, ev.Retry))
    assert any(isinstance(e, ev.TextDelta) for e in events[:retry_index])
    assistant = [m for m in agent.history if isinstance(m, AssistantMessage)]
    assert [m.content for m in assistant] == ["Complete answer"]
    assert result_of(events).final_text == "Complete answer"


async def test_read_only_calls_in_one_turn_run_concurrently(tmp_path: Path) -> None:
    Rendezvous.barrier = asyncio.Barrier(2)
    model = ScriptedModel(
        calls(("rendezvous", {"word": "a"}), ("rendezvous", {"word": "b"})), text("both met")
    )
    events = await asyncio.wait_for(collect(make_agent(tmp_path, model), "meet"), timeout=5)
    assert result_of(events).final_text == "both met"


async def test_call_needing_approval_is_denied_headless_and_listed(tmp_path: Path) -> None:
    model = ScriptedModel(calls(("run", {"word": "make deploy"})), text("I could not run it"))
    events = await collect(make_agent(tmp_path, model), "deploy")
    result = result_of(events)
    assert [d.tool for d in result.denied] == ["run"]
    assert "--auto-approve" in result.denied[0].reason
    denial = next(m for m in model.requests[1] if isinstance(m, ToolMessage))
    assert denial.content.startswith("Denied:")
    resolved = next(e for e in events if isinstance(e, ev.ApprovalResolved))
    assert (resolved.approved, resolved.decided_by) == (False, "headless")


async def test_edits_apply_in_accept_edits_mode_but_not_in_plan_mode(tmp_path: Path) -> None:
    model = ScriptedModel(calls(("touch", {"word": "a.txt"})), text("done"))
    await collect(make_agent(tmp_path, model), "make a")
    assert (tmp_path / "a.txt").read_text() == "touched\n"

    model = ScriptedModel(calls(("touch", {"word": "b.txt"})), text("could not"))
    events = await collect(make_agent(tmp_path, model, mode="plan"), "make b")
    assert not (tmp_path / "b.txt").exists()
    assert result_of(events).denied[0].reason.startswith("plan mode")


async def test_approver_sees_diff_and_approval_lets_the_call_run(tmp_path: Path) -> None:
    approver = AllowAll()
    model = ScriptedModel(calls(("touch", {"word": "c.txt"})), text("ok"))
    await collect(make_agent(tmp_path, model, mode="ask", approver=approver), "make c")
    assert [(r.tool, r.diff) for r in approver.requests] == [("touch", "+touched")]
    assert (tmp_path / "c.txt").exists()


async def test_max_turns_stops_before_the_next_request(tmp_path: Path) -> None:
    model = ScriptedModel(calls(("echo", {"word": "1"})), calls(("echo", {"word": "2"})))
    events = await collect(make_agent(tmp_path, model, limits=RunLimits(max_turns=1)), "loop")
    result = result_of(events)
    assert (result.status, result.stop_reason, result.turns) == ("limit", "max_turns", 1)
    assert len(model.requests) == 1


async def test_cost_budget_is_checked_before_a_request(tmp_path: Path) -> None:
    # 1 USD per token: the first prompt alone costs more than the 0.5 USD budget.
    model = ScriptedModel(text("never sent"))
    agent = make_agent(tmp_path, model, limits=RunLimits(max_cost=0.5), pricing=Pricing(1e6, 1e6))
    result = result_of(await collect(agent, "expensive"))
    assert (result.stop_reason, result.turns, len(model.requests)) == ("max_cost", 0, 0)


async def test_token_budget_counts_the_next_prompt(tmp_path: Path) -> None:
    model = ScriptedModel(calls(("echo", {"word": "x"})), text("never"))
    agent = make_agent(tmp_path, model, limits=RunLimits(max_tokens=150))
    result = result_of(await collect(agent, "t"))
    assert (result.stop_reason, len(model.requests)) == ("max_tokens", 1)


async def test_time_limit_ends_a_stuck_tool(tmp_path: Path) -> None:
    Run.started = asyncio.Event()
    model = ScriptedModel(calls(("run", {"word": "x"})))
    agent = make_agent(tmp_path, model, auto_approve=True, limits=RunLimits(time_limit=0.3))
    result = result_of(await asyncio.wait_for(collect(agent, "t"), timeout=10))
    assert (result.status, result.stop_reason) == ("limit", "time_limit")


async def test_cancel_mid_tool_ends_with_cancelled_result_and_valid_history(tmp_path: Path) -> None:
    Run.started = asyncio.Event()
    model = ScriptedModel(calls(("run", {"word": "long"}), ("echo", {"word": "later"})))
    agent = make_agent(tmp_path, model, auto_approve=True)
    events: list[ev.AgentEvent] = []

    async def consume() -> None:
        async for event in agent.run("go"):
            events.append(event)

    task = asyncio.create_task(consume())
    await Run.started.wait()
    agent.cancel()
    await asyncio.wait_for(task, timeout=5)
    result = result_of(events)
    assert (result.status, result.stop_reason) == ("interrupted", "cancelled")
    answered = [m for m in agent.history if isinstance(m, ToolMessage)]
    assert [m.name for m in answered] == ["run", "echo"]
    assert all(m.content.startswith("Not finished: the run was interrupted") for m in answered)


async def test_duplicate_tool_call_ids_from_the_server_are_renamed(tmp_path: Path) -> None:
    model = ScriptedModel(
        calls(("echo", {"word": "a"}, "SAMEid123")),
        calls(("echo", {"word": "b"}, "SAMEid123")),
        text("done"),
    )
    agent = make_agent(tmp_path, model)
    await collect(agent, "twice")
    ids = [c.id for m in agent.history if isinstance(m, AssistantMessage) for c in m.tool_calls]
    assert len(ids) == len(set(ids)) == 2
    assert all(len(i) == 9 and i.isalnum() for i in ids)
    answered = [m.tool_call_id for m in agent.history if isinstance(m, ToolMessage)]
    assert answered == ids


async def test_endpoint_error_ends_the_run_with_its_message(tmp_path: Path) -> None:
    model = ScriptedModel(ModelError("auth", "Unauthorized: invalid API key", status=401))
    events = await collect(make_agent(tmp_path, model), "hi")
    result = result_of(events)
    assert (result.status, result.error_kind, result.error) == (
        "error",
        "auth",
        "Unauthorized: invalid API key",
    )
    assert any(isinstance(e, ev.Error) and e.fatal for e in events)


async def test_session_is_written_as_it_happens_and_resumes(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    model = ScriptedModel(calls(("echo", {"word": "w"})), text("first answer"))
    agent = make_agent(tmp_path, model, session_root=sessions)
    await collect(agent, "first question")
    store = SessionStore(sessions)
    [info] = store.sessions_for(tmp_path)
    restored = store.load_messages(info)
    assert restored == agent.history
    assert isinstance(restored[0], UserMessage) and restored[0].content == "first question"

    model2 = ScriptedModel(text("second answer"))
    agent2 = make_agent(tmp_path, model2, history=restored)
    await collect(agent2, "follow-up")
    sent = model2.requests[0]
    assert [m.role for m in sent] == ["system", "user", "assistant", "tool", "assistant", "user"]


@pytest.mark.parametrize("finish,stop", [("length", "model_length"), ("content_filter", "refusal")])
async def test_model_side_stops_are_reported(tmp_path: Path, finish: deltas.FinishReason, stop: str) -> None:
    model = ScriptedModel([deltas.TextDelta("cut"), deltas.Finish(finish)])
    result = result_of(await collect(make_agent(tmp_path, model), "q"))
    assert result.stop_reason == stop


async def test_a_prompt_beyond_the_context_window_is_not_sent(tmp_path: Path) -> None:
    model = ScriptedModel(text("never"))
    agent = make_agent(tmp_path, model)
    agent._settings = replace(agent._settings, context_window=50)
    events = await collect(agent, "x" * 400)
    result = result_of(events)
    assert (result.status, result.error_kind, len(model.requests)) == ("error", "context_overflow", 0)
    assert "context window (50 tokens)" in (result.error or "")
    started = next(e for e in events if isinstance(e, ev.SessionStarted))
    assert started.context_window == 50


async def test_a_run_stopped_after_tools_leaves_a_history_the_next_prompt_can_follow(tmp_path: Path) -> None:
    # The first run ends on a turn limit right after its tool results, so the history ends in a
    # tool message; the next prompt must not produce tool → user (strict templates reject it).
    model = ScriptedModel(calls(("echo", {"word": "w"})), text("second answer"))
    agent = make_agent(tmp_path, model, limits=RunLimits(max_turns=1))
    first = result_of(await collect(agent, "first"))
    assert first.stop_reason == "max_turns"
    assert isinstance(agent.history[-1], ToolMessage)
    agent._settings = replace(agent._settings, limits=RunLimits())
    await collect(agent, "second")
    roles = [m.role for m in model.requests[1]]
    assert roles == ["system", "user", "assistant", "tool", "assistant", "user"]


async def test_a_resumed_history_ending_with_a_user_message_gets_a_placeholder_reply(tmp_path: Path) -> None:
    model = ScriptedModel(text("ok"))
    agent = make_agent(tmp_path, model, history=[UserMessage(content="lost question")])
    await collect(agent, "new question")
    sent = model.requests[0]
    assert [m.role for m in sent] == ["system", "user", "assistant", "user"]
    assert with_note_in_text(sent[2]).content.startswith("[no reply")


async def test_cancel_before_the_run_starts_still_ends_with_a_result(tmp_path: Path) -> None:
    agent = make_agent(tmp_path, ScriptedModel(text("never")), session_root=tmp_path / "sessions")
    stream = agent.run("q")
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)  # let the generator create its task, not run it
    agent.cancel()
    events = [await first] + [event async for event in stream]
    result = result_of(events)
    assert (result.status, result.stop_reason) == ("interrupted", "cancelled")
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    session_file = agent.session_file
    assert session_file is not None
    records = [json.loads(line) for line in session_file.read_text().splitlines()]
    assert records[-1]["kind"] == "result" and records[-1]["stop_reason"] == "cancelled"


async def test_a_time_limit_is_not_blamed_on_the_user(tmp_path: Path) -> None:
    Run.started = asyncio.Event()
    model = ScriptedModel(calls(("run", {"word": "x"})))
    agent = make_agent(tmp_path, model, auto_approve=True, limits=RunLimits(time_limit=0.3))
    await asyncio.wait_for(collect(agent, "t"), timeout=10)
    [answer] = [m for m in agent.history if isinstance(m, ToolMessage)]
    assert "time limit" in answer.content and "user" not in answer.content


class Aborting:
    async def decide(self, request: ApprovalRequest) -> Decision:
        raise ApprovalAbortedError(f"{request.tool} needed approval")


async def test_an_approver_that_aborts_ends_the_run_as_approval_required(tmp_path: Path) -> None:
    model = ScriptedModel(calls(("run", {"word": "x"})), text("never"))
    agent = make_agent(tmp_path, model, approver=Aborting())
    result = result_of(await collect(agent, "go"))
    assert (result.status, result.stop_reason) == ("error", "approval_required")
    assert result.error == "run needed approval"
    assert isinstance(agent.history[-1], ToolMessage)  # the call is still answered


async def test_a_session_that_cannot_be_written_is_reported_once_and_the_run_goes_on(tmp_path: Path) -> None:
    model = ScriptedModel(calls(("echo", {"word": "w"})), text("done"))
    agent = make_agent(tmp_path, model, session_root=tmp_path / "sessions")
    writer = agent._transcript.log.writer  # pyright: ignore[reportPrivateUsage]
    assert writer is not None
    writer._handle.close()  # pyright: ignore[reportPrivateUsage]
    events: list[ev.AgentEvent] = []
    # /dev/full fails every flush with ENOSPC, as a full disk would; closing it fails too.
    with contextlib.suppress(OSError), Path("/dev/full").open("w", encoding="utf-8") as full_disk:
        writer._handle = full_disk  # pyright: ignore[reportPrivateUsage]
        events = await collect(agent, "q")
    errors = [e for e in events if isinstance(e, ev.Error)]
    assert len(errors) == 1 and not errors[0].fatal and "can no longer be saved" in errors[0].message
    assert result_of(events).final_text == "done"


async def test_a_call_past_the_tool_time_limit_is_stopped_and_the_run_goes_on(tmp_path: Path) -> None:
    Run.started = asyncio.Event()
    model = ScriptedModel(calls(("run", {"word": "forever"})), text("moving on"))
    agent = make_agent(tmp_path, model, mode="auto", tool_timeout=0.05)
    events = await collect(agent, "go")
    finished = [e for e in events if isinstance(e, ev.ToolCallFinished)]
    assert [(f.tool, f.status) for f in finished] == [("run", "error")]
    assert "stopped after 0.05 s" in finished[0].output
    assert result_of(events).final_text == "moving on"

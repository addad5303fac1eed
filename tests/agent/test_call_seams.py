"""The tool contract's run-time side: tools made at run time, the registry's lifecycle, and the
dispatcher's seams before and after every call."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from test_loop import AllowAll, collect, make_agent, result_of

from support.scripted_model import ScriptedModel, calls, text
from vibe.agent.call_seams import CallAbout, CallOutcome, CallSeam
from vibe.messages import Message, ToolMessage
from vibe.model import deltas
from vibe.protocol import events as ev
from vibe.tools.base import (
    Invocation,
    Tool,
    ToolArgumentsError,
    ToolContext,
    ToolError,
    ToolRegistry,
    ToolResult,
    ToolSource,
)


class Forecast(Tool[dict[str, Any]]):
    """A tool whose schema arrives at run time, as an MCP server's does: no pydantic model."""

    kind = "fetch"
    read_only = True

    def __init__(self, name: str) -> None:
        self.name = name

    def description(self) -> str:
        return "The weather for a city."

    def parameters(self) -> dict[str, Any]:
        return {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}

    def parse(self, arguments: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(arguments.get("city"), str):
            raise ToolArgumentsError(f"{self.name} needs a city (a string)")
        return arguments

    async def prepare(self, args: dict[str, Any], ctx: ToolContext) -> Invocation | ToolResult:
        if args["city"] == "Atlantis":
            raise UnknownCityError("no such city: Atlantis")
        return ToolResult(output=f"sunny in {args['city']}")


class UnknownCityError(ToolError):
    """A tool's own refusal: a ToolError, so the dispatcher reports it like any bad call."""


class LateSource(ToolSource):
    """Adds its tool when told to, as a server that finishes starting after the first request."""

    def __init__(self, log: list[str], name: str = "late") -> None:
        self.log = log
        self.name = name
        self.registry: ToolRegistry | None = None

    async def start(self, registry: ToolRegistry) -> None:
        self.log.append(f"start {self.name}")
        self.registry = registry

    def ready(self) -> None:
        assert self.registry is not None
        self.registry.register(Forecast("forecast"))

    async def aclose(self) -> None:
        self.log.append(f"stop {self.name}")
        if self.name == "broken":
            raise RuntimeError("would not stop")


def tool_output(messages: Sequence[Message], call_id: str) -> str:
    return next(m.content for m in messages if isinstance(m, ToolMessage) and m.tool_call_id == call_id)


async def test_a_tool_added_while_a_prompt_runs_is_offered_from_the_next_request(tmp_path: Path) -> None:
    log: list[str] = []
    source = LateSource(log)

    def first(_messages: Sequence[Message]) -> list[deltas.Delta]:
        source.ready()  # the server came up while the model was thinking
        return calls(
            ("forecast", {"city": "Lyon"}, "c1"),
            ("forecast", {"town": "Lyon"}, "c2"),
            ("forecast", {"city": "Atlantis"}, "c3"),
        )

    model = ScriptedModel(first, text("done"))
    agent = make_agent(tmp_path, model)
    agent.tools.add_source(source)
    await agent.start_tools()
    events = await collect(agent, "weather?")

    assert result_of(events).status == "success"
    assert "forecast" not in model.tools_seen[0] and "forecast" in model.tools_seen[1]
    answers = model.requests[1]
    assert tool_output(answers, "c1") == "sunny in Lyon"
    assert tool_output(answers, "c2") == "forecast needs a city (a string)"
    assert tool_output(answers, "c3") == "no such city: Atlantis"
    statuses = [(e.call_id, e.status) for e in events if isinstance(e, ev.ToolCallFinished)]
    assert statuses == [("c1", "ok"), ("c2", "error"), ("c3", "error")]
    await agent.aclose()
    assert log == ["start late", "stop late"]


async def test_sources_stop_in_reverse_order_and_one_failing_does_not_keep_the_others_up(
    tmp_path: Path,
) -> None:
    log: list[str] = []
    agent = make_agent(tmp_path, ScriptedModel())
    for name in ("first", "broken", "last"):
        agent.tools.add_source(LateSource(log, name))
    await agent.start_tools()
    await agent.start_tools()  # started once only
    await agent.aclose()
    assert log == ["start first", "start broken", "start last", "stop last", "stop broken", "stop first"]


class Recorder(CallSeam):
    def __init__(self, refuse_changes: bool = False) -> None:
        self.refuse_changes = refuse_changes
        self.before: list[str] = []
        self.after: list[CallOutcome] = []

    async def before_call(self, call: CallAbout) -> str | None:
        self.before.append(call.call_id)
        if self.refuse_changes and call.invocation.mutates:
            return "a checkpoint could not be taken"
        return None

    def after_call(self, outcome: CallOutcome) -> None:
        self.after.append(outcome)


async def test_seams_see_every_call_and_a_refusal_keeps_the_call_from_running(tmp_path: Path) -> None:
    first, second = Recorder(), Recorder(refuse_changes=True)
    model = ScriptedModel(
        calls(("echo", {"word": "hi"}, "c1"), ("touch", {"word": "made"}, "c2"), ("nope", {}, "c3")),
        text("done"),
    )
    agent = make_agent(tmp_path, model, seams=[first, second], approver=AllowAll())
    events = await collect(agent, "go")

    assert not (tmp_path / "made").exists()
    assert first.before == ["c1", "c2"] and second.before == ["c1", "c2"]  # prepared calls only
    outcomes = {o.call_id: o for o in first.after}
    assert [(o.call_id, o.status) for o in first.after] == [("c1", "ok"), ("c2", "denied"), ("c3", "error")]
    assert outcomes["c2"].mutates and outcomes["c2"].title == "Create made"
    assert outcomes["c2"].reason == "a checkpoint could not be taken"
    assert "a checkpoint could not be taken" in tool_output(model.requests[1], "c2")
    assert [o.call_id for o in second.after] == ["c1", "c2", "c3"]
    assert [d.call_id for d in result_of(events).denied] == ["c2"]


class Broken(CallSeam):
    async def before_call(self, call: CallAbout) -> str | None:
        raise OSError("disk full")

    def after_call(self, outcome: CallOutcome) -> None:
        raise RuntimeError("recorder bug")


async def test_a_failing_seam_refuses_the_call_and_never_changes_what_the_model_reads_after(
    tmp_path: Path,
) -> None:
    model = ScriptedModel(calls(("touch", {"word": "made"}, "c1")), text("done"))
    agent = make_agent(tmp_path, model, seams=[Broken()], approver=AllowAll())
    events = await collect(agent, "go")
    assert result_of(events).status == "success"
    assert not (tmp_path / "made").exists()
    assert "could not be prepared (OSError: disk full)" in tool_output(model.requests[1], "c1")


async def test_the_audit_log_names_the_mode_in_force_when_each_call_ran(tmp_path: Path) -> None:
    from vibe.agent.audit import AuditContext, AuditSeam

    records: list[dict[str, Any]] = []

    class Sink:
        def write(self, record: dict[str, Any]) -> None:
            records.append(record)

    model = ScriptedModel(
        calls(("echo", {"word": "a"}, "c1")), text("one"), calls(("echo", {"word": "b"}, "c2")), text("two")
    )
    # The mode is read from the agent's policy when a call ends (the lambda runs after `agent` exists).
    audit = AuditSeam(Sink(), AuditContext("s1", str(tmp_path), "none", lambda: agent.policy.mode))
    agent = make_agent(tmp_path, model, mode="ask", seams=[audit])
    await collect(agent, "first")
    agent.set_mode("plan")
    await collect(agent, "second")
    assert [(r["call_id"], r["permission_mode"], r["title"]) for r in records] == [
        ("c1", "ask", "Echo a"),
        ("c2", "plan", "Echo b"),
    ]

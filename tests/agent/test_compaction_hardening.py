"""Compaction under the conditions real sessions meet: budgets, cancellation, odd usage reports,
reasoning, parallel calls, long first requests, plans, and resumed sessions with retractions."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from pathlib import Path

from test_compaction import TASK, WINDOW, is_summary_request, long_history, long_talk, usage
from test_loop import collect, make_agent, result_of

from support.scripted_model import ScriptedModel, calls, text
from vibe.agent.budget import Pricing, RunLimits
from vibe.agent.compaction import CompactionSettings, compact
from vibe.agent.context_size import history_tokens
from vibe.agent.loop import Agent
from vibe.messages import AssistantMessage, Message, ToolCall, ToolMessage, UserMessage
from vibe.model import deltas
from vibe.model.history import sanitize_history
from vibe.model.types import ModelError, Sampling, ToolSpec
from vibe.notes import NO_REPLY_NOTE, from_marked_text, is_summary, with_note_in_text
from vibe.protocol import events as ev
from vibe.session.store import SessionStore
from vibe.tools.base import TodoItem
from vibe.tools.todo import render_plan


def agent_for(
    tmp_path: Path, model: object, history: list[Message], window: int | None = WINDOW, **kw: object
) -> Agent:
    agent = make_agent(tmp_path, model, history=history, session_root=tmp_path / "sessions", **kw)  # type: ignore[arg-type]
    agent.switch_model(model, replace(agent.settings, context_window=window), "m")  # type: ignore[arg-type]
    return agent


def saved(tmp_path: Path) -> list[Message]:
    store = SessionStore(tmp_path / "sessions")
    (info,) = store.sessions_for(tmp_path)
    return store.load_messages(info)


def assert_strictly_valid(history: Sequence[Message]) -> None:
    """What Mistral's template accepts with no repair: nothing for sanitize_history to fix."""
    assert sanitize_history(history) == [with_note_in_text(message) for message in history]
    roles = [m.role for m in history if m.role != "tool"]
    assert ("user", "user") not in set(itertools.pairwise(roles))
    assert roles[0] == "user"


# -- budgets ----------------------------------------------------------------------------------


async def test_the_summary_request_counts_towards_the_runs_spend_and_is_reported(tmp_path: Path) -> None:
    model = ScriptedModel(text("the summary", (2_000, 300)), text("Done.", (500, 10)))
    pricing = Pricing(input_per_million=1_000.0, output_per_million=1_000.0)
    agent = agent_for(tmp_path, model, long_talk(rounds=8, chars=1_000), pricing=pricing)

    events = await collect(agent, "now run the tests")

    usages = [e for e in events if isinstance(e, ev.UsageUpdated)]
    assert [(u.prompt_tokens, u.completion_tokens) for u in usages] == [(2_000, 300), (500, 10)]
    result = result_of(events)
    assert (result.prompt_tokens, result.completion_tokens) == (2_500, 310)
    assert result.cost_usd == 2.81


async def test_manual_compaction_reports_what_the_summary_cost(tmp_path: Path) -> None:
    model = ScriptedModel(text("the summary", (1_200, 100)))
    agent = agent_for(tmp_path, model, long_talk(rounds=2, chars=100), pricing=Pricing(1_000.0, 1_000.0))

    events = [event async for event in agent.compact()]

    result = result_of(events)
    assert (result.status, result.prompt_tokens, result.completion_tokens) == ("success", 1_200, 100)
    assert result.cost_usd == 1.3
    assert any(isinstance(e, ev.UsageUpdated) and e.prompt_tokens == 1_200 for e in events)


async def test_no_summary_is_paid_for_when_the_token_budget_is_spent_anyway(tmp_path: Path) -> None:
    model = ScriptedModel()
    agent = agent_for(tmp_path, model, long_talk(rounds=8, chars=1_000), limits=RunLimits(max_tokens=3_000))

    events = await collect(agent, "go on")

    assert model.requests == []
    assert result_of(events).stop_reason == "max_tokens"


# -- cancellation -----------------------------------------------------------------------------


class StallingModel:
    """Starts the summary and never finishes it, so the test can cancel mid-summary."""

    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def stream(
        self, messages: Sequence[Message], tools: Sequence[ToolSpec], sampling: Sampling
    ) -> AsyncIterator[deltas.Delta]:
        self.started.set()
        await asyncio.Event().wait()
        yield deltas.TextDelta("unreachable")


async def test_cancelling_mid_summary_ends_the_compaction_and_keeps_history_and_file_alike(
    tmp_path: Path,
) -> None:
    model = StallingModel()
    history = long_talk(rounds=8, chars=1_000)
    agent = agent_for(tmp_path, model, history)
    events: list[ev.AgentEvent] = []

    async def consume() -> None:
        async for event in agent.run("go on"):
            events.append(event)

    task = asyncio.create_task(consume())
    await model.started.wait()
    agent.cancel()
    await task

    finished = [e for e in events if isinstance(e, ev.CompactionFinished)]
    assert len(finished) == 1 and finished[0].error == "cancelled"
    assert result_of(events).stop_reason == "cancelled"
    assert agent.history == [*history, UserMessage(content="go on")]
    assert saved(tmp_path) == [UserMessage(content="go on")]  # and no compaction record


# -- token counts -----------------------------------------------------------------------------


async def test_an_implausible_usage_report_does_not_make_the_conversation_look_full(tmp_path: Path) -> None:
    # About half the window: a bogus report must not make vibe compact or refuse the next prompt.
    for reported in (10**9, 1):
        model = ScriptedModel(text("first", (reported, 5)), text("second"))
        agent = agent_for(tmp_path / str(reported), model, long_talk(rounds=4, chars=900))

        await collect(agent, "one")
        events = await collect(agent, "two")

        assert not [e for e in events if isinstance(e, ev.CompactionStarted)]
        assert result_of(events).status == "success"


async def test_reasoning_sent_back_to_the_model_counts_towards_the_window(tmp_path: Path) -> None:
    history: list[Message] = [UserMessage(content=TASK)]
    for index in range(4):
        history.append(AssistantMessage(content=f"answer {index}", reasoning="r" * 4_000))
        history.append(UserMessage(content=f"question {index}"))
    history.append(AssistantMessage(content="ok"))
    model = ScriptedModel(text("the summary"), text("Done."))
    agent = agent_for(tmp_path, model, history)

    events = await collect(agent, "go on")

    assert [e.trigger for e in events if isinstance(e, ev.CompactionStarted)] == ["auto"]
    assert is_summary_request(model.requests[0])


async def test_the_summary_request_fits_the_window_as_the_endpoint_counts_tokens() -> None:
    model = ScriptedModel(text("the summary"))
    history = long_talk(rounds=30, chars=1_000)  # far more than the window

    await compact(
        history, model, Sampling(model="m"), WINDOW, keep_tokens=0, target_tokens=0, token_ratio=3.0
    )

    sent = sum(len(m.content) for m in model.requests[0])
    assert sent / 4 * 3.0 < WINDOW * 0.7


async def test_a_huge_first_request_leaves_room_for_the_latest_work_in_the_transcript() -> None:
    model = ScriptedModel(text("the summary"))
    history: list[Message] = [UserMessage(content="do this: " + "p" * 50_000)]
    history += long_talk(rounds=4, chars=200)[1:]
    history.append(UserMessage(content="the latest question"))

    await compact(history, model, Sampling(model="m"), WINDOW, keep_tokens=0, target_tokens=0)

    transcript = model.requests[0][1].content
    assert "the latest question" not in transcript  # it is the part kept verbatim
    assert "question 3" in transcript and "answer 3" in transcript
    assert len(transcript) < WINDOW * 0.6 * 4 + 200


# -- the first request and the plan ---------------------------------------------------------------


async def test_a_long_first_request_survives_repeated_compactions_word_for_word(tmp_path: Path) -> None:
    window = 64_000
    first = "Port these rules exactly:\n" + "\n".join(f"rule {i}: keep {i}" for i in range(900))
    assert len(first) > 8_000
    model = ScriptedModel(text("summary one"), text("answer"), text("summary two"))
    agent = agent_for(tmp_path, model, [UserMessage(content=first), AssistantMessage(content="ok")], window)

    [e async for e in agent.compact()]
    await collect(agent, "more")
    [e async for e in agent.compact()]

    assert is_summary(agent.history[0])
    opening = agent.history[0].content
    assert "summary two" in opening
    assert f"\n\n{first}\n\n" in opening


async def test_an_unrecognised_earlier_summary_is_not_mistaken_for_the_first_request(tmp_path: Path) -> None:
    old_summary = "[conversation summary] (an older format) The task: " + TASK
    history: list[Message] = [
        from_marked_text(UserMessage(content=old_summary)),  # as the session reader gives it
        AssistantMessage(content="Understood."),
        UserMessage(content="a later question"),
        AssistantMessage(content="a later answer"),
    ]
    model = ScriptedModel(text("summary"))
    agent = agent_for(tmp_path, model, history)

    [e async for e in agent.compact()]

    first_part = agent.history[0].content.split("Summary of the conversation so far:")[0]
    assert TASK in first_part and "a later question" not in first_part


def plan_round(items: tuple[TodoItem, ...]) -> list[Message]:
    call = ToolCall(id="plan00001", name="todo", arguments='{"todos": []}')
    return [
        AssistantMessage(content="", tool_calls=(call,)),
        ToolMessage(tool_call_id=call.id, name="todo", content=render_plan(items)),
    ]


async def test_the_plan_in_force_survives_pruning_and_repeated_summaries(tmp_path: Path) -> None:
    items = tuple(
        TodoItem(content=f"step {i}: " + "do a careful thing " * 3, status="pending") for i in range(8)
    )
    plan = render_plan(items)
    assert len(plan) > 400  # long enough to be pruned like any other output
    history = [UserMessage(content=TASK), *plan_round(items), *long_talk(rounds=8, chars=1_000)[1:]]
    model = ScriptedModel(text("summary one"), text("done"), text("summary two"))
    agent = agent_for(tmp_path, model, history)

    await collect(agent, "next")
    assert plan in agent.history[0].content
    [e async for e in agent.compact()]

    assert plan in agent.history[0].content and "summary two" in agent.history[0].content


# -- the compacted history is a valid chat ----------------------------------------------------------


def parallel_round(index: int) -> list[Message]:
    ids = [f"p{index}{k}abcdefg"[:9] for k in range(3)]
    return [
        AssistantMessage(
            content="",
            tool_calls=tuple(ToolCall(id=i, name="echo", arguments='{"word": "x"}') for i in ids),
        ),
        *(ToolMessage(tool_call_id=i, name="echo", content="z" * 600) for i in ids),
    ]


def shapes() -> list[list[Message]]:
    parallel: list[Message] = [UserMessage(content=TASK)]
    for index in range(6):
        parallel += parallel_round(index)
    cancelled = [
        *long_talk(rounds=6, chars=800),
        UserMessage(content="stopped"),
        AssistantMessage(note=NO_REPLY_NOTE),
    ]
    return [
        long_history(rounds=8, output_chars=1_500),
        long_talk(rounds=6, chars=900),
        parallel,
        [*parallel, AssistantMessage(content="done")],
        cancelled,
    ]


async def test_every_compacted_history_is_a_valid_chat_without_repair() -> None:
    for history, keep in itertools.product(shapes(), (0, 100, 500, 1_000)):
        assert_strictly_valid(history)
        model = ScriptedModel(text("summary"))
        compacted = await compact(
            history, model, Sampling(model="m"), WINDOW, keep_tokens=keep, target_tokens=0, force_summary=True
        )
        assert_strictly_valid(compacted.history)
        assert_strictly_valid([*compacted.history, UserMessage(content="next")][: len(compacted.history)])


# -- sessions ---------------------------------------------------------------------------------


async def test_resume_after_a_compaction_more_messages_and_a_retracted_prompt(tmp_path: Path) -> None:
    model = ScriptedModel(text("summary"), text("one done"), text("two done"))
    agent = agent_for(tmp_path, model, long_talk(rounds=8, chars=1_000))
    await collect(agent, "one")
    agent.switch_model(model, replace(agent.settings, compaction=CompactionSettings(auto=False)), "m")
    failed = await collect(agent, "paste: " + "z" * 40_000)
    assert result_of(failed).error_kind == "context_overflow"

    assert saved(tmp_path) == agent.history
    await collect(agent, "two")
    loaded = saved(tmp_path)
    assert loaded == agent.history and is_summary(loaded[0])
    assert loaded[-2:] == [UserMessage(content="two"), AssistantMessage(content="two done")]


def counted(step: list[deltas.Delta]) -> Callable[[Sequence[Message]], list[deltas.Delta]]:
    """The step, with the prompt tokens an endpoint would report for the request."""

    def build(messages: Sequence[Message]) -> list[deltas.Delta]:
        tokens = history_tokens(messages) + 60  # the tool schemas
        return [usage(tokens) if isinstance(d, deltas.UsageDelta) else d for d in step]

    return build


async def test_a_compaction_that_cannot_get_under_the_threshold_is_not_repeated_every_turn(
    tmp_path: Path,
) -> None:
    # The prompt alone fills most of the window: a summary cannot help after the first one, and
    # each further one would paraphrase the prompt away.
    prompt = "please: " + "p" * 12_800
    model = ScriptedModel(text("summary"), counted(calls(("echo", {"word": "a"}))), counted(text("done")))
    agent = agent_for(tmp_path, model, long_talk(rounds=8, chars=1_000))

    events = await collect(agent, prompt)

    assert result_of(events).status == "success"
    assert len([r for r in model.requests if is_summary_request(r)]) == 1
    assert model.requests[-1][3] == UserMessage(content=prompt)


async def test_the_request_the_current_work_answers_is_kept_word_for_word(tmp_path: Path) -> None:
    latest = "Now migrate every caller of `add` in src/ to `sum_two`, one module at a time."
    history: list[Message] = [UserMessage(content=TASK), AssistantMessage(content="done with calc.py")]
    history.append(UserMessage(content=latest))
    for index in range(8):  # a long run answering `latest`
        call = ToolCall(id=f"m{index:08d}", name="echo", arguments='{"word": "x"}')
        history += [
            AssistantMessage(content=f"module {index} " + "w" * 900, tool_calls=(call,)),
            ToolMessage(tool_call_id=call.id, name="echo", content="ok"),
        ]
    model = ScriptedModel(text("summary one"), text("summary two"))
    agent = agent_for(tmp_path, model, history)

    [e async for e in agent.compact()]
    first = agent.history[0].content
    [e async for e in agent.compact()]
    second = agent.history[0].content

    for opening in (first, second):
        assert TASK in opening and latest in opening
        assert opening.count(latest) == 1
    assert "summary two" in second


MISTRAL_TOO_LONG = (
    "http://x/v1 rejected the request (HTTP 400): Prompt contains 5200 tokens and 0 draft tokens, "
    "too large for model with 4000 maximum context length"
)


async def test_an_endpoints_too_long_answer_teaches_the_window_then_compacts_and_retries(
    tmp_path: Path,
) -> None:
    model = ScriptedModel(ModelError("bad_request", MISTRAL_TOO_LONG, 400), text("summary"), text("ok"))
    agent = agent_for(tmp_path, model, long_talk(rounds=8, chars=1_000), window=None)

    events = await collect(agent, "go on")

    assert result_of(events).status == "success"
    assert agent.settings.context_window == 4_000
    assert [e.trigger for e in events if isinstance(e, ev.CompactionFinished)] == ["auto"]
    assert is_summary(agent.history[0])
    assert len(model.requests) == 3 and is_summary_request(model.requests[1])


async def test_other_rejections_are_not_taken_for_a_full_window(tmp_path: Path) -> None:
    refusal = ModelError("bad_request", "http://x/v1 rejected the request (HTTP 400): unknown model", 400)
    model = ScriptedModel(refusal)
    agent = agent_for(tmp_path, model, long_talk(rounds=2, chars=100), window=None)

    events = await collect(agent, "go on")

    assert result_of(events).error_kind == "bad_request"
    assert agent.settings.context_window is None and len(model.requests) == 1

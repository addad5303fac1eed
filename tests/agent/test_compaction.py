"""Compaction: a long conversation is made to fit the window without losing the task."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from test_loop import collect, make_agent, result_of

from support.scripted_model import ScriptedModel, calls, text
from vibe.agent.compaction import CompactionSettings, prune, recent_start
from vibe.agent.loop import Agent
from vibe.messages import (
    AssistantMessage,
    Message,
    SystemMessage,
    ToolCall,
    ToolMessage,
    Usage,
    UserMessage,
)
from vibe.model import deltas
from vibe.model.types import ModelError
from vibe.notes import SUMMARY_MARKER, SUMMARY_NOTE, is_summary, with_note_in_text
from vibe.prompts import load_prompt
from vibe.protocol import events as ev
from vibe.session.store import SessionStore

TASK = "Rename the function `add` to `sum_two` everywhere and keep the tests passing."
WINDOW = 4_000  # tokens; a character is about a quarter of one


def tool_round(index: int, output_chars: int) -> list[Message]:
    call = ToolCall(id=f"c{index:08d}", name="echo", arguments='{"word": "x"}')
    return [
        AssistantMessage(content=f"step {index}", tool_calls=(call,)),
        ToolMessage(tool_call_id=call.id, name="echo", content=f"out{index} " + "y" * output_chars),
    ]


def long_history(rounds: int, output_chars: int) -> list[Message]:
    history: list[Message] = [UserMessage(content=TASK)]
    for index in range(rounds):
        history += tool_round(index, output_chars)
    history.append(AssistantMessage(content="Renamed in calc.py; tests still to run."))
    return history


def long_talk(rounds: int, chars: int) -> list[Message]:
    """Long answers and questions: nothing pruning can shorten, so a summary is needed."""
    history: list[Message] = [UserMessage(content=TASK)]
    for index in range(rounds):
        history.append(AssistantMessage(content=f"answer {index} " + "a" * chars))
        history.append(UserMessage(content=f"question {index} " + "q" * chars))
    history.append(AssistantMessage(content="Renamed in calc.py; tests still to run."))
    return history


def usage(prompt_tokens: int) -> deltas.UsageDelta:
    return deltas.UsageDelta(Usage(prompt_tokens=prompt_tokens, completion_tokens=5))


def summary_step(summary: str) -> list[deltas.Delta]:
    return text(summary)


def is_summary_request(messages: Sequence[Message]) -> bool:
    return isinstance(messages[0], SystemMessage) and messages[0].content == load_prompt("compaction.md")


def agent_with(tmp_path: Path, model: ScriptedModel, history: list[Message], **kw: object) -> Agent:
    agent = make_agent(tmp_path, model, history=history, session_root=tmp_path / "sessions")
    settings = replace(agent.settings, context_window=WINDOW, **kw)  # type: ignore[arg-type]
    agent.switch_model(model, settings, "m")
    return agent


def test_the_kept_part_never_separates_a_call_from_its_result() -> None:
    history = long_history(rounds=6, output_chars=400)
    for keep in (0, 50, 150, 400, 10_000):
        start = recent_start(history, keep)
        assert start == 0 or isinstance(history[start], UserMessage | AssistantMessage)
        kept_calls = {c.id for m in history[start:] if isinstance(m, AssistantMessage) for c in m.tool_calls}
        kept_results = {m.tool_call_id for m in history[start:] if isinstance(m, ToolMessage)}
        assert kept_results <= kept_calls
    assert recent_start(history, 0) == len(history) - 1  # at least the last message is kept


def test_pruning_touches_only_large_outputs_before_the_kept_part() -> None:
    history = long_history(rounds=3, output_chars=2_000)
    history.insert(3, ToolMessage(tool_call_id="c00000000", name="echo", content="short"))
    pruned, count = prune(history, end=5)
    assert count == 1  # the first large output; "short" and the later ones stay
    assert "output elided" in pruned[2].content
    assert pruned[3].content == "short"
    assert pruned[6] == history[6]


async def test_auto_compaction_summarises_and_keeps_the_task_word_for_word(tmp_path: Path) -> None:
    model = ScriptedModel(summary_step("## Task\nrename add\n## Next steps\nrun tests"), text("Done."))
    agent = agent_with(tmp_path, model, long_talk(rounds=8, chars=1_000))

    events = await collect(agent, "now run the tests")

    started = [e for e in events if isinstance(e, ev.CompactionStarted)]
    finished = [e for e in events if isinstance(e, ev.CompactionFinished)]
    assert [e.trigger for e in started] == ["auto"] and finished[0].error is None
    assert finished[0].summarised_messages > 0
    assert finished[0].tokens_after < finished[0].tokens_before <= started[0].tokens_before + 1
    summary_request, turn_request = model.requests
    assert is_summary_request(summary_request) and model.tools_seen[0] == []
    assert TASK in summary_request[1].content  # the summariser saw the transcript
    opening = turn_request[1]
    assert isinstance(opening, UserMessage) and is_summary(opening)
    assert TASK in opening.content and "rename add" in opening.content
    assert turn_request[-1] == UserMessage(content="now run the tests")
    assert result_of(events).status == "success"
    assert agent.history[0] == opening
    # never two user turns in a row (strict chat templates reject them)
    roles = [m.role for m in turn_request[1:] if m.role != "tool"]
    assert ("user", "user") not in set(itertools.pairwise(roles))


async def test_pruning_alone_when_it_is_enough_costs_no_model_call(tmp_path: Path) -> None:
    history = long_history(rounds=2, output_chars=8_000)
    model = ScriptedModel(text("Done."))
    agent = agent_with(tmp_path, model, history)

    events = await collect(agent, "continue")

    finished = [e for e in events if isinstance(e, ev.CompactionFinished)]
    assert finished and finished[0].summarised_messages == 0 and finished[0].pruned_outputs >= 1
    assert len(model.requests) == 1 and not is_summary_request(model.requests[0])
    assert model.requests[0][1] == UserMessage(content=TASK)


async def test_a_resumed_session_continues_from_the_compacted_conversation(tmp_path: Path) -> None:
    model = ScriptedModel(summary_step("summary one"), text("Done."))
    agent = agent_with(tmp_path, model, long_talk(rounds=8, chars=1_000))
    await collect(agent, "next")
    store = SessionStore(tmp_path / "sessions")
    (info,) = store.sessions_for(tmp_path)

    loaded = store.load_messages(info)

    assert is_summary(loaded[0]) and "summary one" in loaded[0].content
    assert loaded[-1] == AssistantMessage(content="Done.")
    assert loaded == agent.history


async def test_compacting_twice_still_carries_the_first_request(tmp_path: Path) -> None:
    model = ScriptedModel(
        summary_step("first summary"), text("one done"), summary_step("second summary"), text("ok")
    )
    agent = agent_with(tmp_path, model, long_talk(rounds=8, chars=1_000))
    await collect(agent, "one")
    [event async for event in agent.compact()]
    await collect(agent, "two")

    second_summary_request = model.requests[2]
    assert is_summary_request(second_summary_request)
    assert "first summary" in second_summary_request[1].content
    opening = model.requests[3][1]
    assert TASK in opening.content and "second summary" in opening.content
    assert with_note_in_text(opening).content.count(SUMMARY_MARKER) == 1


async def test_manual_compaction_follows_the_users_focus_and_ends_with_a_result(tmp_path: Path) -> None:
    history: list[Message] = [
        UserMessage(content=TASK),
        AssistantMessage(content="I looked at calc.py."),
        UserMessage(content="and the docs?"),
        AssistantMessage(content="Docs mention add twice."),
    ]
    model = ScriptedModel(summary_step("short summary"))
    agent = agent_with(tmp_path, model, history)

    events = [event async for event in agent.compact("the docs")]

    assert [e.type for e in events] == ["compaction_started", "compaction_finished", "usage", "result"]
    assert "focus on: the docs" in model.requests[0][1].content
    assert result_of(events).status == "success"
    assert agent.history[-1] == AssistantMessage(content="Docs mention add twice.")
    assert len(agent.history) == 2 and is_summary(agent.history[0])


async def test_a_failed_summary_leaves_the_history_and_reports_why(tmp_path: Path) -> None:
    history = long_talk(rounds=8, chars=1_000)
    model = ScriptedModel(ModelError("server", "HTTP 500: overloaded"))
    agent = agent_with(tmp_path, model, history)

    events = await collect(agent, "go on")

    finished = next(e for e in events if isinstance(e, ev.CompactionFinished))
    assert finished.error == "HTTP 500: overloaded"
    result = result_of(events)
    assert (result.status, result.error_kind) == ("error", "context_overflow")
    assert agent.history[: len(history)] == history  # nothing lost


async def test_auto_compaction_can_be_switched_off(tmp_path: Path) -> None:
    model = ScriptedModel()
    agent = agent_with(
        tmp_path,
        model,
        long_history(rounds=8, output_chars=2_400),
        compaction=CompactionSettings(auto=False),
    )

    events = await collect(agent, "go on")

    assert not [e for e in events if isinstance(e, ev.CompactionStarted)]
    assert result_of(events).error_kind == "context_overflow"
    assert model.requests == []


def test_the_summary_is_marked_as_one_on_the_wire_only() -> None:
    template = load_prompt("compaction_summary.md")
    assert SUMMARY_MARKER not in template  # a note, kept out of the text frontends show
    sent = with_note_in_text(UserMessage(content=template, note=SUMMARY_NOTE))
    assert isinstance(sent, UserMessage) and sent == UserMessage(content=f"{SUMMARY_MARKER} {template}")


async def test_a_failed_auto_compaction_is_not_retried_on_every_turn_of_the_run(tmp_path: Path) -> None:
    # Usage as a real endpoint would count it, so the estimate stays above the threshold.
    echo = [usage(3_400) if isinstance(d, deltas.UsageDelta) else d for d in calls(("echo", {"word": "a"}))]
    model = ScriptedModel(ModelError("server", "HTTP 503: busy"), echo, text("still fine", (3_400, 5)))
    agent = agent_with(tmp_path, model, long_talk(rounds=6, chars=1_060))
    estimate = agent._frame.tokens(agent.history)  # pyright: ignore[reportPrivateUsage]
    assert WINDOW * 0.8 < estimate < WINDOW - 100

    events = await collect(agent, "go on")

    assert len([e for e in events if isinstance(e, ev.CompactionStarted)]) == 1
    assert result_of(events).status == "success"
    assert len(model.requests) == 3


async def test_a_prompt_that_cannot_fit_is_not_kept_so_the_session_goes_on(tmp_path: Path) -> None:
    model = ScriptedModel(text("fine"))
    agent = agent_with(
        tmp_path, model, long_talk(rounds=6, chars=1_000), compaction=CompactionSettings(auto=False)
    )
    before = list(agent.history)

    failed = await collect(agent, "paste: " + "z" * 4_000)
    assert result_of(failed).error_kind == "context_overflow"
    assert "the prompt was not kept" in (result_of(failed).error or "")
    assert agent.history == before
    worked = await collect(agent, "a short question")

    assert result_of(worked).status == "success"
    assert model.requests[0][-1] == UserMessage(content="a short question")
    (info,) = SessionStore(tmp_path / "sessions").sessions_for(tmp_path)
    loaded = SessionStore(tmp_path / "sessions").load_messages(info)
    assert [m for m in loaded if isinstance(m, UserMessage) and m.content.startswith("paste:")] == []
    assert loaded[-1] == AssistantMessage(content="fine")

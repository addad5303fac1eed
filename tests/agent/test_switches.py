"""Mode and model switches are told to the agent's observers, numbered with the run's events."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from test_loop import collect, make_agent

from support.scripted_model import ScriptedModel, text
from vibe.protocol import events as ev


async def test_a_mode_switch_is_announced_to_observers_not_to_the_run(tmp_path: Path) -> None:
    seen: list[ev.AgentEvent] = []
    agent = make_agent(tmp_path, ScriptedModel(text("one"), text("two")), observers=[seen.append])
    first = await collect(agent, "hi")

    agent.set_mode("plan")
    second = await collect(agent, "again")

    changed = [event for event in seen if isinstance(event, ev.ModeChanged)]
    assert [event.permission_mode for event in changed] == ["plan"]
    assert agent.policy.mode == "plan" and agent.facts.permission_mode == "plan"
    # The run's consumer never sees it, yet seq keeps ordering everything the agent said.
    assert not any(isinstance(event, ev.ModeChanged) for event in first + second)
    assert first[-1].seq < changed[0].seq < second[0].seq


async def test_a_model_switch_names_the_id_the_alias_and_the_window(tmp_path: Path) -> None:
    seen: list[ev.AgentEvent] = []
    model = ScriptedModel(text("one"))
    agent = make_agent(tmp_path, model, observers=[seen.append])

    settings = replace(agent.settings, context_window=32_000)
    agent.switch_model(model, settings, "small-2506", chosen_as="small")
    agent.switch_model(model, replace(settings, context_window=None), "raw-id")

    changed = [event for event in seen if isinstance(event, ev.ModelChanged)]
    assert [(event.model, event.name, event.context_window) for event in changed] == [
        ("small-2506", "small", 32_000),
        ("raw-id", "raw-id", None),
    ]
    assert agent.facts.model == "raw-id"

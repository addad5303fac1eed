"""The repository map in the system prompt: waited for briefly at the first prompt, frozen for
the session (so the prompt cache holds), refreshed by compaction, absent when off."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path

from test_loop import collect, make_agent

from support.scripted_model import ScriptedModel, text
from vibe.agent.loop import Agent
from vibe.composition.repo_map_wiring import repo_map_builder
from vibe.config.settings import ContextSettings
from vibe.messages import SystemMessage
from vibe.tools.stoppable import StopFlag

BASE = "You are a test."


class Builder:
    """A map builder whose maps are numbered; `gate`, when given, holds the first build until
    the test opens it (the slow cold index, without sleeping)."""

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.prompts: list[str] = []
        self.finished = threading.Event()

    def __call__(self, prompt: str, flag: StopFlag) -> str:
        self.prompts.append(prompt)
        if self.gate is not None and len(self.prompts) == 1:
            self.gate.wait(30)
        self.finished.set()
        return f"# Repository map\nmap {len(self.prompts)} for {prompt}"


def system_prompts(model: ScriptedModel) -> list[str]:
    prompts: list[str] = []
    for request in model.requests:
        first = request[0]
        assert isinstance(first, SystemMessage)
        prompts.append(first.content)
    return prompts


def windowed(agent: Agent, model: ScriptedModel) -> Agent:
    agent.switch_model(model, replace(agent.settings, context_window=4_000), "m")
    return agent


async def test_a_ready_map_joins_the_first_request_and_stays_frozen(tmp_path: Path) -> None:
    builder = Builder()
    model = ScriptedModel(text("one"), text("two"))
    agent = make_agent(tmp_path, model, repo_map=builder)

    await collect(agent, "look at @calc.py")
    await collect(agent, "now the docs")

    first, second = system_prompts(model)
    assert first == f"{BASE}\n\n# Repository map\nmap 1 for look at @calc.py"
    assert second == first  # byte for byte: the provider's prompt cache still holds
    assert builder.prompts == ["look at @calc.py"]  # built once, from the first prompt


async def test_a_slow_map_is_not_waited_for_and_joins_only_at_compaction(tmp_path: Path) -> None:
    gate = threading.Event()
    builder = Builder(gate)
    model = ScriptedModel(text("one"), text("two"), text("summary of it all"), text("three"))
    agent = windowed(make_agent(tmp_path, model, repo_map=builder, session_root=tmp_path / "s"), model)

    await collect(agent, "first task")  # answered while the build is still held
    assert not builder.finished.is_set()
    gate.set()
    await asyncio.to_thread(builder.finished.wait, 30)
    await collect(agent, "second")
    compaction = [event async for event in agent.compact()]
    await collect(agent, "third")

    assert [e.type for e in compaction][-1] == "result"
    before = system_prompts(model)[:2]
    assert before == [BASE, BASE]  # ready after the first request: not slipped in mid-session
    after = system_prompts(model)[-1]
    assert after.startswith(f"{BASE}\n\n# Repository map\nmap 2 for ")
    assert len(builder.prompts) == 2  # compaction rebuilt it


async def test_a_failing_builder_leaves_the_prompt_as_it_was(tmp_path: Path) -> None:
    def broken(prompt: str, flag: StopFlag) -> str:
        raise OSError("disk gone")

    model = ScriptedModel(text("one"))
    agent = make_agent(tmp_path, model, repo_map=broken)

    await collect(agent, "hi")

    assert system_prompts(model) == [BASE]


def test_a_zero_budget_turns_the_map_off(tmp_path: Path) -> None:
    assert repo_map_builder(ContextSettings(repo_map_tokens=0), tmp_path) is None
    assert repo_map_builder(ContextSettings(), tmp_path) is not None

"""A conversation of the service over the real engine, pointed at the scripted endpoint: what the
service's tests open, each with its own config."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

from support.vibe_process import TEST_CONFIG
from tools.fake_mistral import FakeMistral
from vibe.composition.conversation_host import EngineHost
from vibe.composition.engine import Engine
from vibe.composition.run_options import RunOptions
from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.service.conversation import Conversation


def make_home(home: Path, config: str = "") -> Path:
    """A VIBE_HOME whose config.toml holds `config`, then the test endpoint's network settings."""
    home.mkdir()
    (home / "config.toml").write_text(config + TEST_CONFIG, encoding="utf-8")
    return home


@asynccontextmanager
async def open_conversation(home: Path, repo: Path, fake: FakeMistral) -> AsyncGenerator[Conversation]:
    """An open conversation in `repo` with the settings of `home` (see `make_home`)."""
    env = {"VIBE_HOME": str(home), "VIBE_BASE_URL": fake.base_url, "VIBE_MODEL": "devstral-test"}
    engine = Engine.load(repo, env, {})
    conversation = Conversation(EngineHost(lambda: engine, RunOptions(cwd=repo, frontend="terminal")))
    await conversation.open()
    try:
        yield conversation
    finally:
        await conversation.aclose()
        await engine.aclose()


async def events_of(conversation: Conversation, operation: op.Operation) -> list[ev.AgentEvent]:
    return [event async for event in conversation.submit(operation)]

"""One model switch for every frontend: resolved with the engine's settings, one client per
resolved model, the context window found as at start-up, and the switch told to observers."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.vibe_process import TEST_CONFIG, make_repo
from tools.fake_mistral import FakeMistral
from vibe.agent.approvals import HeadlessApprover
from vibe.composition.engine import Engine
from vibe.composition.model_switch import switch_model
from vibe.composition.run_options import RunOptions
from vibe.config.settings import ConfigError
from vibe.protocol.events import ModelChanged

SMALL_MODEL = """
[models.small]
provider = "mistral"
id = "small-test"
context_window = 32000
input_price = 0.1
output_price = 0.3

[models.orphan]
provider = "nowhere"
id = "orphan-test"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"README.md": "demo\n"})


@pytest.fixture
def engine(tmp_path: Path, repo: Path, fake_mistral: FakeMistral) -> Engine:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(TEST_CONFIG + SMALL_MODEL, encoding="utf-8")
    env = {"VIBE_HOME": str(home), "VIBE_BASE_URL": fake_mistral.base_url, "VIBE_MODEL": "devstral-test"}
    return Engine.load(repo, env, {})


async def test_there_and_back_reuses_one_client_per_model(engine: Engine, repo: Path) -> None:
    agent = await engine.new_agent(RunOptions(cwd=repo), HeadlessApprover())
    start_window = agent.settings.context_window
    try:
        small, changed = await switch_model(engine, agent, "small")
        assert (small.name, small.profile.id) == ("small", "small-test")
        assert agent.settings.sampling.model == "small-test"
        assert agent.settings.context_window == 32000
        assert (agent.settings.pricing.input_per_million, agent.settings.pricing.output_per_million) == (
            0.1,
            0.3,
        )
        assert agent.facts.model == "small-test"
        assert isinstance(changed, ModelChanged)
        assert (changed.model, changed.name, changed.context_window) == ("small-test", "small", 32000)

        back, _ = await switch_model(engine, agent, "devstral-test")
        assert back == engine.resolved
        assert agent.settings.context_window == start_window, "the window start-up found"
        assert engine.client_for(back) is engine.client

        again, _ = await switch_model(engine, agent, "small")
        assert engine.client_for(again) is engine.client_for(small), "one client per resolved model"
        assert engine.client_for(again) is not engine.client
    finally:
        agent.close()
        await engine.aclose()


async def test_a_model_that_cannot_be_used_changes_nothing(engine: Engine, repo: Path) -> None:
    agent = await engine.new_agent(RunOptions(cwd=repo), HeadlessApprover())
    before = agent.settings
    try:
        with pytest.raises(ConfigError, match="provider 'nowhere'"):
            await switch_model(engine, agent, "orphan")
        assert agent.settings == before
    finally:
        agent.close()
        await engine.aclose()

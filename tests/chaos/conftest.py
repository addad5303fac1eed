"""The adversarial suite's fixtures: the real `vibe` process, a repository, a VIBE_HOME and the
scripted endpoint with its faults — driven as a CI pipeline drives it."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.vibe_process import TEST_CONFIG, VibeEnv, make_repo
from tools.fake_mistral import FakeMistral


@pytest.fixture
def vibe_env(tmp_path: Path, fake_mistral: FakeMistral) -> VibeEnv:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(TEST_CONFIG, encoding="utf-8")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    return VibeEnv(repo=repo, home=home, fake=fake_mistral)

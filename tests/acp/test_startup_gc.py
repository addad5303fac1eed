"""The garbage collector paused for start-up comes back once the engine has loaded, whether
loading worked or not (a process left without it would grow for as long as the editor runs)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.vibe_process import VibeEnv
from vibe import startup_gc
from vibe.acp.backend import EngineUnavailableError
from vibe.composition.acp_cmd import EngineBackend


@pytest.fixture
def paused_gc() -> Iterator[None]:
    startup_gc.pause()
    try:
        yield
    finally:
        gc.enable()  # whatever the test found, the rest of the run needs the collector


async def test_collector_resumes_once_the_engine_has_loaded(paused_gc: None, vibe_env: VibeEnv) -> None:
    backend = EngineBackend(vibe_env.env(), vibe_env.repo)
    try:
        assert not gc.isenabled()
        await backend.check()
        assert gc.isenabled()
    finally:
        await backend.aclose()


async def test_collector_resumes_when_the_engine_cannot_load(
    paused_gc: None, vibe_env: VibeEnv, tmp_path: Path
) -> None:
    (vibe_env.home / "config.toml").write_text("model = [not toml\n", encoding="utf-8")
    backend = EngineBackend(vibe_env.env(), vibe_env.repo)
    try:
        with pytest.raises(EngineUnavailableError):
            await backend.check()
        assert gc.isenabled()
    finally:
        await backend.aclose()

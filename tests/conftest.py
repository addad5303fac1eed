"""Fixtures shared by every test package."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# `tools/` (developer scripts such as the fake endpoint) sits at the repo root. pyproject's pytest
# `pythonpath` already puts the root on sys.path; this keeps the import working under any config.
_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

from tools.fake_mistral import FakeMistral  # noqa: E402


@pytest.fixture
def fake_mistral() -> Iterator[FakeMistral]:
    """A started scripted endpoint (echo mode until the test scripts it); stopped afterwards."""
    with FakeMistral() as server:
        yield server


@pytest.fixture(autouse=True, scope="session")
def private_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """vibe's rebuildable cache (XDG_CACHE_HOME/vibe) goes to a folder of this test run, shared
    by its tests, never the real user's."""
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous

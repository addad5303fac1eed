"""ripgrep is found where vibe's own install put it, even when that folder is not on PATH."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vibe.tools.ripgrep import find_ripgrep


def test_the_rg_installed_with_vibe_is_found_without_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # As under pipx: the environment's bin/ is not on PATH.
    monkeypatch.setenv("PATH", "")
    found = find_ripgrep()
    assert found is not None
    assert Path(found).parent == Path(sys.executable).parent

"""Where vibe keeps its files when the user has no home folder (a container's random user)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from vibe.config.paths import cache_dir, vibe_home


def no_home() -> Path:
    raise RuntimeError("Could not determine home directory.")


def test_without_a_home_folder_vibe_uses_a_private_temp_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Path, "home", staticmethod(no_home))

    home = vibe_home({})
    cache = cache_dir({})

    assert home.parent.parent == Path(tempfile.gettempdir()) and home.name == ".vibe"
    assert cache.is_relative_to(Path(tempfile.gettempdir()))


def test_vibe_home_and_xdg_cache_win_over_any_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert vibe_home({"VIBE_HOME": str(tmp_path / "v")}) == tmp_path / "v"
    assert cache_dir({"XDG_CACHE_HOME": str(tmp_path / "c")}) == tmp_path / "c" / "vibe"

from __future__ import annotations

from pathlib import Path

import pytest

from tools.fake_mistral import FakeMistral
from tui.harness import TuiEnv, make_env


@pytest.fixture
def tui_env(tmp_path: Path, fake_mistral: FakeMistral) -> TuiEnv:
    return make_env(tmp_path, fake_mistral)

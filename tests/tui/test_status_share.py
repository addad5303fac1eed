"""The status line's context share: never a false 0% for a context in use."""

from __future__ import annotations

import pytest

from vibe.tui.status_line import context_share


@pytest.mark.parametrize(
    ("used", "window", "shown"),
    [(0, 262_144, "0%"), (1_800, 262_144, "<1%"), (2_622, 262_144, "1%"), (131_072, 262_144, "50%")],
)
def test_a_context_used_below_one_percent_is_less_than_one(used: int, window: int, shown: str) -> None:
    assert context_share(used, window) == shown

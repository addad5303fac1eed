"""The repository map's builder for a session: the workspace, the budget, the parse cache."""

from __future__ import annotations

from pathlib import Path

from vibe.agent.budget import estimate_tokens
from vibe.agent.repo_map_context import MapBuilder
from vibe.config.settings import ContextSettings
from vibe.tools.stoppable import StopFlag


def repo_map_builder(context: ContextSettings, root: Path) -> MapBuilder | None:
    """None when the map is off (`[context] repo_map_tokens = 0`)."""
    budget = context.repo_map_tokens
    if budget <= 0:
        return None

    def build(prompt: str, flag: StopFlag) -> str:
        # Loaded with the first prompt, in the builder's thread: start-up pays nothing for it.
        from vibe.tools.code.facts_cache import default_database
        from vibe.tools.code.repo_map import repo_map_section

        return repo_map_section(root, prompt, budget, _count_tokens, flag, default_database())

    return build


def _count_tokens(text: str) -> int:
    return estimate_tokens(len(text))

"""A custom agent's or subagent's mode is a ceiling: it tightens the user's mode, never loosens it."""

from __future__ import annotations

from pathlib import Path

import pytest

from policy.test_engine import make_policy, verdict
from vibe.policy.ceiling import stricter_mode
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import ToolContext
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    return ToolContext(workspace=Workspace.create(tmp_path), fs=LocalFileSystem(), sandbox=NoSandbox())


def test_the_stricter_mode_wins_whichever_side_it_is_on() -> None:
    assert stricter_mode("ask", "auto") == "ask"
    assert stricter_mode("auto", "plan") == "plan"
    assert stricter_mode("accept-edits", None) == "accept-edits"


async def test_an_agent_saying_auto_does_not_escape_ask(ctx: ToolContext) -> None:
    policy = make_policy("ask")
    policy.set_ceiling("auto")
    assert policy.mode == "ask"
    assert (await verdict(policy, ctx, "write_file", path="new.txt", content="x")).action == "ask"


async def test_a_plan_ceiling_denies_writes_even_with_auto_approve(ctx: ToolContext) -> None:
    policy = make_policy("auto", auto_approve=True)
    policy.set_ceiling("plan")
    assert (await verdict(policy, ctx, "write_file", path="new.txt", content="x")).action == "deny"
    policy.set_ceiling("ask")  # --auto-approve is the user's "auto": an agent asking less gets less
    assert (await verdict(policy, ctx, "write_file", path="new.txt", content="x")).action == "ask"
    policy.set_ceiling(None)
    assert (await verdict(policy, ctx, "write_file", path="new.txt", content="x")).action == "allow"


async def test_a_subagents_policy_is_capped_by_the_parents_mode_now(ctx: ToolContext) -> None:
    parent = make_policy("accept-edits")
    child = parent.capped("auto")
    assert child.mode == "accept-edits"
    parent.set_mode("plan")
    assert parent.capped(None).mode == "plan"
    # Switching the child's own mode cannot lift its cap.
    child.set_mode("auto")
    assert child.mode == "accept-edits"
    capped = parent.capped("auto")
    capped.set_mode("auto")
    assert capped.mode == "plan"

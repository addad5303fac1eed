"""The policy's default decisions on the git tools, prepared against a real repository: reading
runs in every mode; committing and branching ask in ask/accept-edits, run in auto, are refused in
plan; per-tool permissions and --auto-approve apply as for every other tool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from support.git_repos import GitWorld, make_world
from vibe.config.permissions import PermissionsSettings, ToolPermission
from vibe.config.settings import PermissionMode
from vibe.policy.engine import PermissionPolicy
from vibe.policy.verdict import VerdictAction
from vibe.tools.base import Invocation
from vibe.tools.builtin import builtin_registry

READ_ONLY = {
    "git_status": {},
    "git_diff": {},
    "git_log": {},
    "git_show": {},
    "git_blame": {"path": "a.txt"},
}
MUTATING = {"git_commit": {"message": "Change a", "all": True}, "git_branch": {"name": "feature"}}
DEFAULTS: dict[PermissionMode, VerdictAction] = {
    "plan": "deny",
    "ask": "ask",
    "accept-edits": "ask",
    "auto": "allow",
}


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> GitWorld:
    made = make_world(monkeypatch, tmp_path)
    made.commit("a.txt", "one\n", "first")
    made.write("a.txt", "two\n")
    return made


async def action(
    world: GitWorld,
    name: str,
    arguments: dict[str, Any],
    mode: PermissionMode,
    tools: dict[str, ToolPermission] | None = None,
    auto_approve: bool = False,
) -> VerdictAction:
    tool = builtin_registry().get(name)
    assert tool is not None
    prepared = await tool.prepare(tool.args_model.model_validate(arguments), world.ctx)
    assert isinstance(prepared, Invocation), prepared
    policy = PermissionPolicy(
        mode, PermissionsSettings(tools=tools or {}), sandbox_confined=True, auto_approve=auto_approve
    )
    return policy.evaluate(tool, prepared).action


@pytest.mark.parametrize("mode", list(DEFAULTS))
async def test_default_decisions_in_every_mode(world: GitWorld, mode: PermissionMode) -> None:
    for name, arguments in READ_ONLY.items():
        assert await action(world, name, arguments, mode) == "allow", (name, mode)
    for name, arguments in MUTATING.items():
        assert await action(world, name, arguments, mode) == DEFAULTS[mode], (name, mode)


async def test_per_tool_permissions_and_auto_approve_apply(world: GitWorld) -> None:
    commit = MUTATING["git_commit"]
    assert await action(world, "git_commit", commit, "accept-edits", {"git_commit": "always"}) == "allow"
    assert await action(world, "git_commit", commit, "auto", {"git_commit": "never"}) == "deny"
    assert await action(world, "git_commit", commit, "auto", {"git_commit": "ask"}) == "ask"
    assert await action(world, "git_log", {}, "auto", {"git_log": "never"}) == "deny"
    assert await action(world, "git_commit", commit, "ask", auto_approve=True) == "allow"
    assert await action(world, "git_commit", commit, "plan", auto_approve=True) == "deny"

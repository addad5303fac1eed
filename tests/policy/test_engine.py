"""PermissionPolicy over the real built-in tools, prepared against a real temp workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vibe.agent.approvals import Policy
from vibe.config.permissions import CommandRule, PermissionsSettings, ToolPermission
from vibe.config.settings import PermissionMode
from vibe.policy.engine import PermissionPolicy
from vibe.policy.verdict import ApprovalRequest, Decision, DecisionScope, Verdict
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import AnyTool, Invocation, ToolContext
from vibe.tools.builtin import builtin_registry
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace

DENY_RM = CommandRule(pattern="rm -rf", action="deny", match=["rm -rf build"])


@pytest.fixture
def ctx(tmp_path: Path) -> ToolContext:
    (tmp_path / "notes.txt").write_text("hello\n")
    return ToolContext(workspace=Workspace.create(tmp_path), fs=LocalFileSystem(), sandbox=NoSandbox())


def make_policy(
    mode: PermissionMode = "accept-edits",
    *rules: CommandRule,
    tools: dict[str, ToolPermission] | None = None,
    confined: bool = True,
    auto_approve: bool = False,
    rules_file: Path | None = None,
) -> PermissionPolicy:
    permissions = PermissionsSettings(commands=list(rules), tools=tools or {})
    return PermissionPolicy(
        mode, permissions, sandbox_confined=confined, auto_approve=auto_approve, rules_file=rules_file
    )


async def prepare(ctx: ToolContext, name: str, **arguments: Any) -> tuple[AnyTool, Invocation]:
    tool = builtin_registry().get(name)
    assert tool is not None
    prepared = await tool.prepare(tool.args_model.model_validate(arguments), ctx)
    assert isinstance(prepared, Invocation), prepared
    return tool, prepared


async def verdict(policy: PermissionPolicy, ctx: ToolContext, name: str, **arguments: Any) -> Verdict:
    tool, invocation = await prepare(ctx, name, **arguments)
    return policy.evaluate(tool, invocation)


async def bash(policy: PermissionPolicy, ctx: ToolContext, command: str) -> Verdict:
    return await verdict(policy, ctx, "bash", command=command)


async def request_for(
    policy: PermissionPolicy, ctx: ToolContext, name: str, **arguments: Any
) -> ApprovalRequest:
    tool, invocation = await prepare(ctx, name, **arguments)
    judged = policy.evaluate(tool, invocation)
    assert judged.action == "ask", judged
    return ApprovalRequest(
        call_id="c1",
        tool=name,
        title=invocation.title,
        arguments=arguments,
        reason=judged.reason,
        diff=invocation.diff,
        command=invocation.command,
        suggested_rule=judged.suggested_rule,
    )


def approve(scope: DecisionScope) -> Decision:
    return Decision(approved=True, scope=scope)


def test_it_is_a_policy() -> None:
    policy: Policy = make_policy()
    policy.set_mode("plan")
    assert policy.mode == "plan"


async def test_plan_mode_reads_but_never_writes(ctx: ToolContext) -> None:
    policy = make_policy("plan")
    assert (await verdict(policy, ctx, "read_file", path="notes.txt")).action == "allow"
    assert (await verdict(policy, ctx, "grep", pattern="hello")).action == "allow"
    written = await verdict(policy, ctx, "write_file", path="new.txt", content="x")
    assert (written.action, written.source) == ("deny", "mode")
    assert (await bash(policy, ctx, "git status && ls -la | wc -l")).action == "allow"
    redirect = await bash(policy, ctx, "ls > listing.txt")
    assert redirect.action == "deny"
    assert redirect.reason == "`ls` writes listing.txt, and plan mode only runs read-only commands"
    tests = await bash(policy, ctx, "npm test")
    assert tests.action == "deny" and "plan mode only runs read-only commands" in tests.reason
    assert (await bash(policy, ctx, "find . -name '*.pyc' -delete")).action == "deny"
    assert (await bash(policy, ctx, "cat $(echo notes.txt)")).action == "allow"


async def test_plan_mode_runs_user_rules_only_when_marked_read_only(ctx: ToolContext) -> None:
    plain = make_policy("plan", CommandRule(pattern="make lint", action="allow"))
    assert (await bash(plain, ctx, "make lint")).action == "deny"
    marked = make_policy("plan", CommandRule(pattern="make lint", action="allow", read_only=True))
    assert (await bash(marked, ctx, "make lint")).action == "allow"


async def test_ask_mode_asks_for_every_write_and_unknown_command(ctx: ToolContext) -> None:
    policy = make_policy("ask")
    edit = await verdict(policy, ctx, "edit", path="notes.txt", old_string="hello", new_string="bye")
    assert (edit.action, edit.reason) == ("ask", "ask mode: this change needs approval")
    assert (await bash(policy, ctx, "git diff")).action == "allow"
    tests = await bash(policy, ctx, "npm test -- --watch")
    assert (tests.action, tests.source, tests.suggested_rule) == ("ask", "mode", "npm test")
    assert tests.reason == "`npm test -- --watch` is not allowed by any rule (ask mode asks before commands)"
    assert (await bash(policy, ctx, "echo hi > f")).action == "ask"


async def test_accept_edits_applies_edits_and_asks_for_commands(ctx: ToolContext) -> None:
    policy = make_policy("accept-edits", DENY_RM)
    assert (await verdict(policy, ctx, "write_file", path="a.txt", content="a\n")).action == "allow"
    commit = await bash(policy, ctx, 'git commit -m "x"')
    assert (commit.action, commit.suggested_rule) == ("ask", "git commit")
    allowed = await bash(policy, ctx, "git status")
    assert (allowed.action, allowed.source, allowed.rule) == ("allow", "rule", 'allow "git status"')


async def test_the_strictest_part_of_a_compound_command_wins(ctx: ToolContext) -> None:
    policy = make_policy("auto", DENY_RM)
    denied = await bash(policy, ctx, "git status && rm -rf x")
    assert (denied.action, denied.source, denied.rule) == ("deny", "rule", 'deny "rm -rf"')
    assert denied.reason == '`rm -rf x` is denied by deny "rm -rf"'
    for hidden in ["echo $(rm -rf x)", "echo `rm -rf x`", "sudo rm -rf x", "env A=1 rm -rf x",
                   "timeout 5 rm -rf x", "bash -c 'rm -rf x'", "find . -exec rm -rf {} +"]:  # fmt: skip
        assert (await bash(policy, ctx, hidden)).action == "deny", hidden
    assert (await bash(policy, ctx, "ls | xargs rm -rf")).action == "deny"


async def test_auto_mode_runs_commands_inside_a_confined_sandbox(ctx: ToolContext) -> None:
    policy = make_policy("auto", DENY_RM)
    assert (await bash(policy, ctx, "npm install && npm test > out.log")).action == "allow"
    sudo = await bash(policy, ctx, "sudo apt install x")
    assert (sudo.action, sudo.suggested_rule) == ("ask", None)
    assert (await bash(policy, ctx, 'eval "$X"')).action == "ask"


async def test_without_a_confining_sandbox_every_command_asks(ctx: ToolContext) -> None:
    for mode in ("auto", "accept-edits", "ask"):
        policy = make_policy(mode, DENY_RM, confined=False)
        listing = await bash(policy, ctx, "ls")
        assert (listing.action, listing.source) == ("ask", "sandbox"), mode
        assert "no OS sandbox confines commands" in listing.reason
        assert (await bash(policy, ctx, "rm -rf x")).action == "deny"
    unknown = await bash(make_policy("auto", confined=False), ctx, "npm test > log")
    assert (unknown.action, unknown.source) == ("ask", "sandbox")
    assert unknown.reason == "`npm test` writes log, and no OS sandbox confines commands"
    # Edits are not commands: they still follow the mode.
    assert (await verdict(policy, ctx, "write_file", path="a", content="")).action == "ask"
    assert (
        await verdict(make_policy(confined=False), ctx, "write_file", path="a", content="")
    ).action == "allow"


async def test_auto_approve_approves_what_would_ask_but_not_denials(ctx: ToolContext) -> None:
    policy = make_policy("ask", DENY_RM, tools={"edit": "never"}, confined=False, auto_approve=True)
    assert (await bash(policy, ctx, "npm test && ls > f")).action == "allow"
    assert (await verdict(policy, ctx, "write_file", path="a", content="")).action == "allow"
    assert (await bash(policy, ctx, "rm -rf x")).action == "deny"
    edit = await verdict(policy, ctx, "edit", path="notes.txt", old_string="hello", new_string="x")
    assert (edit.action, edit.source) == ("deny", "tool")
    assert (await bash(policy, ctx, "sudo make install")).action == "ask"
    plan = make_policy("plan", auto_approve=True)
    assert (await bash(plan, ctx, "npm test")).action == "deny"


async def test_per_tool_permissions(ctx: ToolContext) -> None:
    policy = make_policy(
        "auto", tools={"write_file": "never", "read_file": "ask", "bash": "always"}, confined=False
    )
    never = await verdict(policy, ctx, "write_file", path="a", content="")
    assert (never.action, never.reason) == ("deny", "write_file is set to never in [permissions.tools]")
    assert (await verdict(policy, ctx, "read_file", path="notes.txt")).action == "ask"
    assert (await bash(policy, ctx, "npm test")).action == "allow"
    assert (await bash(policy, ctx, "sudo ls")).action == "ask"
    assert (await bash(policy, ctx, "eval x")).action == "ask"
    asking = make_policy("auto", tools={"bash": "ask"})
    listing = await bash(asking, ctx, "ls")
    assert (listing.action, listing.source) == ("ask", "tool")


async def test_remember_session_keeps_an_allow_rule_in_memory_only(ctx: ToolContext, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    policy = make_policy("accept-edits", rules_file=config)
    request = await request_for(policy, ctx, "bash", command="npm test -- --watch")
    assert request.suggested_rule == "npm test"
    assert policy.remember(request, approve("session")) == 'allow "npm test"'
    again = await bash(policy, ctx, "npm test")
    assert (again.action, again.source) == ("allow", "session")
    assert (await bash(policy, ctx, "npm install")).action == "ask"
    assert not config.exists()
    assert policy.remember(request, Decision(approved=False, scope="session")) is None
    assert policy.remember(request, approve("once")) is None


async def test_remember_always_writes_the_rule_keeping_comments(ctx: ToolContext, tmp_path: Path) -> None:
    config = tmp_path / "project.toml"
    config.write_text('# my settings\nmodel = "devstral"  # the default\n')
    policy = make_policy("accept-edits", rules_file=config)
    request = await request_for(policy, ctx, "bash", command="pytest tests/x.py -k y && npm run build")
    assert request.suggested_rule == "pytest, npm run build"
    assert policy.remember(request, approve("always")) == 'allow "pytest", allow "npm run build"'
    assert (await bash(policy, ctx, "pytest -q")).action == "allow"
    text = config.read_text()
    assert text.startswith('# my settings\nmodel = "devstral"  # the default\n')
    assert text.count('pattern = "pytest"') == 1 and 'pattern = "npm run build"' in text
    # A new session reads the stored rules back and allows without asking.
    fresh = make_policy("accept-edits", rules_file=config)
    assert fresh.rules_file == config
    policy.remember(request, approve("always"))
    assert config.read_text() == text


async def test_stored_rules_load_as_config(ctx: ToolContext, tmp_path: Path) -> None:
    from vibe.config.settings import build_settings, read_toml

    config = tmp_path / "config.toml"
    policy = make_policy("accept-edits", rules_file=config)
    policy.remember(await request_for(policy, ctx, "bash", command="cargo test --all"), approve("always"))
    settings = build_settings([(str(config), read_toml(config))])
    reloaded = PermissionPolicy("accept-edits", settings.permissions, sandbox_confined=True)
    assert (await bash(reloaded, ctx, "cargo test")).action == "allow"


async def test_remember_always_for_a_tool_sets_it_to_always(ctx: ToolContext, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    policy = make_policy("ask", rules_file=config)
    request = await request_for(policy, ctx, "write_file", path="a.txt", content="a\n")
    assert request.diff is not None and request.suggested_rule is None
    assert policy.remember(request, approve("always")) == 'write_file = "always"'
    assert (await verdict(policy, ctx, "write_file", path="b.txt", content="b")).action == "allow"
    assert '[permissions.tools]\nwrite_file = "always"' in config.read_text()


async def test_session_approval_lifts_the_unconfined_sandbox_ask(ctx: ToolContext, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    policy = make_policy("accept-edits", confined=False, rules_file=config)
    request = await request_for(policy, ctx, "bash", command="ls -la")
    assert request.suggested_rule == "ls"
    policy.remember(request, approve("always"))
    assert (await bash(policy, ctx, "ls src")).action == "allow"
    assert (await bash(policy, ctx, "cat x")).action == "ask"
    # Built-in rules already allow `ls`: nothing needed saving.
    assert not config.exists()


async def test_nothing_is_remembered_for_what_no_rule_can_allow(ctx: ToolContext) -> None:
    policy = make_policy("accept-edits")
    for command in ["sudo make install", "echo hi > f", 'eval "$CMD"', "python -c 'print(1)'"]:
        request = await request_for(policy, ctx, "bash", command=command)
        assert request.suggested_rule is None, command
        assert policy.remember(request, approve("always")) is None


async def test_a_failed_save_is_reported_not_raised(ctx: ToolContext, tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("this is = = not toml\n")
    policy = make_policy("accept-edits", rules_file=config)
    stored = policy.remember(await request_for(policy, ctx, "bash", command="make"), approve("always"))
    assert stored is not None and stored.startswith('allow "make" (kept for this session only: not saved to')
    assert (await bash(policy, ctx, "make")).action == "allow"


async def test_a_session_rejection_denies_the_same_command_for_the_rest_of_the_session(
    ctx: ToolContext, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    policy = make_policy("accept-edits", rules_file=config)
    request = await request_for(policy, ctx, "bash", command="npm test -- --watch")
    stored = policy.remember(request, Decision(approved=False, scope="session"))
    assert stored == 'deny "npm test" (this session)'
    denied = await bash(policy, ctx, "npm test")
    assert denied.action == "deny" and denied.rule == 'deny "npm test"'
    assert (await bash(policy, ctx, "npm run build")).action == "ask"
    assert not config.exists()  # rejections are never written to config


async def test_a_session_rejection_of_a_tool_denies_that_tool(ctx: ToolContext) -> None:
    policy = make_policy("ask")
    request = await request_for(policy, ctx, "write_file", path="a.txt", content="x\n")
    assert (
        policy.remember(request, Decision(approved=False, scope="session"))
        == 'write_file = "never" (this session)'
    )
    assert (await verdict(policy, ctx, "write_file", path="b.txt", content="y\n")).action == "deny"
    assert (await verdict(policy, ctx, "edit", path="a.txt", old_string="", new_string="z")).action == "ask"

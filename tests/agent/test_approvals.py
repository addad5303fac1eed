"""The headless approver, and PermissionPolicy driving the real dispatcher through the agent loop."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.scripted_model import ScriptedModel, calls, text
from vibe.agent.approvals import ApprovalAbortedError, ApprovalRequest, Decision, HeadlessApprover
from vibe.agent.budget import Pricing, RunLimits
from vibe.agent.loop import Agent
from vibe.agent.session_facts import AgentSettings, SessionFacts
from vibe.config.permissions import CommandRule, PermissionsSettings
from vibe.model.types import Sampling
from vibe.policy.engine import PermissionPolicy
from vibe.protocol import events as ev
from vibe.sandbox.base import NoSandbox
from vibe.tools.base import ToolContext
from vibe.tools.builtin import builtin_registry
from vibe.tools.fs import LocalFileSystem
from vibe.tools.workspace import Workspace

REQUEST = ApprovalRequest(
    call_id="c1",
    tool="bash",
    title="npm test",
    arguments={"command": "npm test"},
    reason="`npm test` is not allowed by any rule (accept-edits mode asks before commands)",
    command="npm test",
)


async def test_headless_deny_tells_the_model_no_one_can_approve() -> None:
    decision = await HeadlessApprover().decide(REQUEST)
    assert (decision.approved, decision.decided_by) == (False, "headless")
    assert decision.reason.startswith(REQUEST.reason + ", and this is a non-interactive run")
    assert "--auto-approve" in decision.reason


async def test_headless_fail_aborts_with_the_reason() -> None:
    with pytest.raises(ApprovalAbortedError) as caught:
        await HeadlessApprover(on_ask="fail").decide(REQUEST)
    assert "bash call 'npm test' needs approval" in str(caught.value)
    assert "--on-ask fail" in str(caught.value)


class AlwaysAllow:
    def __init__(self) -> None:
        self.requests: list[ApprovalRequest] = []

    async def decide(self, request: ApprovalRequest) -> Decision:
        self.requests.append(request)
        return Decision(approved=True, scope="always")


def make_agent(tmp_path: Path, model: ScriptedModel, policy: PermissionPolicy, approver: object) -> Agent:
    workspace = tmp_path / "ws"
    workspace.mkdir(exist_ok=True)
    return Agent(
        model=model,
        tools=builtin_registry(),
        tool_context=ToolContext(
            workspace=Workspace.create(workspace), fs=LocalFileSystem(), sandbox=NoSandbox()
        ),
        policy=policy,
        approver=approver,  # type: ignore[arg-type]
        settings=AgentSettings(
            sampling=Sampling(model="m"), system_prompt="test", limits=RunLimits(), pricing=Pricing()
        ),
        facts=SessionFacts(
            session_id="s1",
            resumed=False,
            cwd=str(workspace),
            workspace_roots=[str(workspace)],
            model="m",
            provider="p",
            base_url="http://127.0.0.1:1/v1",
            permission_mode=policy.mode,
            sandbox="none",
        ),
    )


async def test_policy_denial_and_always_allow_through_the_loop(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    deny = CommandRule(pattern="rm -rf", action="deny")
    policy = PermissionPolicy(
        "accept-edits", PermissionsSettings(commands=[deny]), sandbox_confined=True, rules_file=config
    )
    approver = AlwaysAllow()
    model = ScriptedModel(
        calls(
            ("bash", {"command": "echo start && rm -rf /tmp/nothing-here"}),
            ("bash", {"command": "printf abc | rev"}),
        ),
        calls(("bash", {"command": "printf abc | rev"})),
        text("done"),
    )
    events = [event async for event in make_agent(tmp_path, model, policy, approver).run("go")]
    resolved = [e for e in events if isinstance(e, ev.ApprovalResolved)]
    # 1: the deny rule, decided by policy; 2: asked, approved "always", rule stored.
    assert (resolved[0].approved, resolved[0].decided_by, resolved[0].rule) == (
        False,
        "policy",
        'deny "rm -rf"',
    )
    assert (resolved[1].approved, resolved[1].scope, resolved[1].stored_rule) == (
        True,
        "always",
        'allow "rev"',
    )
    requested = next(e for e in events if isinstance(e, ev.ApprovalRequested))
    assert requested.suggested_rule == "rev"
    # The second `printf abc | rev` ran without asking: the stored rule allowed it.
    assert len(approver.requests) == 1
    assert 'pattern = "rev"' in config.read_text()
    outputs = [e.output for e in events if isinstance(e, ev.ToolCallFinished)]
    assert outputs[1:] == ["cba\nexit code: 0", "cba\nexit code: 0"]


PROTECTED = ApprovalRequest(
    call_id="c2",
    tool="write_file",
    title="Create .git/hooks/pre-commit",
    arguments={"path": ".git/hooks/pre-commit"},
    reason="write_file would change .git/hooks/pre-commit",
    protected=True,
)


async def test_headless_refuses_a_protected_change_and_does_not_point_to_auto_approve() -> None:
    decision = await HeadlessApprover().decide(PROTECTED)
    assert not decision.approved
    assert "whatever its flags" in decision.reason
    assert "re-run with --auto-approve" not in decision.reason


async def test_a_protected_change_asks_every_time_even_after_always(tmp_path: Path) -> None:
    policy = PermissionPolicy(
        "auto",
        PermissionsSettings(tools={"write_file": "always"}),
        sandbox_confined=True,
        auto_approve=True,
        rules_file=tmp_path / "config.toml",
    )
    approver = AlwaysAllow()
    hook = {"path": ".git/hooks/pre-commit", "content": "#!/bin/sh\n"}
    model = ScriptedModel(
        calls(("write_file", hook)),
        calls(("write_file", {**hook, "content": "#!/bin/sh\necho\n"})),
        text("ok"),
    )
    events = [event async for event in make_agent(tmp_path, model, policy, approver).run("go")]
    assert [request.protected for request in approver.requests] == [True, True]
    resolved = [e for e in events if isinstance(e, ev.ApprovalResolved)]
    assert [(e.approved, e.stored_rule) for e in resolved] == [(True, None), (True, None)]
    assert not (tmp_path / "config.toml").exists()
    assert (tmp_path / "ws" / ".git" / "hooks" / "pre-commit").read_text() == "#!/bin/sh\necho\n"

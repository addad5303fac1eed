"""What a seam's allow, deny or ask (a pre_tool hook's answer) does to the policy's verdict."""

from __future__ import annotations

import pytest

from vibe.agent.call_seams import SeamVerdict, weigh
from vibe.config.settings import PermissionMode
from vibe.policy.verdict import Verdict

HOOK = "hook: ./check.sh"
ALLOW, DENY, ASK = (
    SeamVerdict(action, f"the hook says {action}", HOOK) for action in ("allow", "deny", "ask")
)


@pytest.mark.parametrize(
    ("verdict", "said", "mode", "expected"),
    [
        (Verdict("ask", "accept-edits mode asks before commands"), ALLOW, "accept-edits", "allow"),
        (Verdict("ask", "no OS sandbox confines commands", "sandbox"), ALLOW, "auto", "allow"),
        (Verdict("ask", "would change .git/config", "sandbox", protected=True), ALLOW, "auto", "ask"),
        (Verdict("ask", 'asks: ask "git push"', "rule"), ALLOW, "accept-edits", "ask"),
        (Verdict("ask", "runs with raised privileges", "rule"), ALLOW, "auto", "ask"),
        (Verdict("ask", "bash is set to ask", "tool"), ALLOW, "accept-edits", "ask"),
        (Verdict("ask", "ask mode", "mode"), ALLOW, "plan", "ask"),
        (Verdict("deny", 'denied by deny "rm *"', "rule"), ALLOW, "auto", "deny"),
        (Verdict("deny", "plan mode", "mode"), ALLOW, "plan", "deny"),
        (Verdict("allow", "read-only"), DENY, "auto", "deny"),
        (Verdict("allow", "read-only"), ASK, "auto", "ask"),
        (Verdict("ask", "ask mode", "mode"), DENY, "ask", "deny"),
        (Verdict("allow", "read-only"), None, "auto", "allow"),
    ],
)
def test_a_seam_tightens_freely_and_loosens_only_the_modes_ask(
    verdict: Verdict, said: SeamVerdict | None, mode: PermissionMode, expected: str
) -> None:
    weighed = weigh(verdict, said, mode)
    assert weighed.action == expected
    if weighed.action != verdict.action:
        assert said is not None
        assert (weighed.reason, weighed.rule) == (said.reason, HOOK)
    else:
        assert weighed == verdict, "what the policy said stands, reason and protection included"

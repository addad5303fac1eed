"""`vibe policy check "COMMAND"`: the decision on a command line, part by part, and why.

Suggested exit codes for the CLI: 0 allow, 10 ask, 11 deny (2 stays "bad config", e.g. a rule
that contradicts its examples, raised here as ConfigError).
"""

from __future__ import annotations

from vibe.config.permissions import PermissionsSettings
from vibe.config.settings import PermissionMode
from vibe.policy.engine import PermissionPolicy
from vibe.policy.verdict import VerdictAction

__all__ = ["EXIT_CODES", "explain_command"]

EXIT_CODES: dict[VerdictAction, int] = {"allow": 0, "ask": 10, "deny": 11}


def explain_command(
    command: str,
    permissions: PermissionsSettings,
    mode: PermissionMode,
    sandbox_confined: bool = True,
    tool: str = "bash",
) -> tuple[VerdictAction, str]:
    """(action, human text): each part of `command`, its decision, and the rule that made it."""
    policy = PermissionPolicy(mode, permissions, sandbox_confined=sandbox_confined)
    assessment = policy.assess_command(command, permissions.tools.get(tool))
    verdict = assessment.verdict
    lines = [
        f"{verdict.action}: {command}",
        f"  mode {mode}, sandbox {'confined' if sandbox_confined else 'NOT confined'}",
    ]
    if permissions.tools.get(tool):
        lines.append(f"  tool {tool} is set to {permissions.tools[tool]}")
    for part in assessment.parts:
        shown = part.part.display()
        written = " ".join(part.part.text.split())
        lines.append(
            f"  {part.action:<5}  {shown}"
            + (f"   (from: {written})" if not written.startswith(shown.split(" ")[0]) else "")
        )
        lines.append(f"         {part.reason}")
        if part.rule:
            lines.append(f"         rule: {part.rule}")
    if not assessment.parts:
        lines.append("  (nothing to run)")
    if verdict.suggested_rule:
        lines.append(f'  "always allow" would store: {verdict.suggested_rule}')
    return verdict.action, "\n".join(lines)

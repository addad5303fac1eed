"""The permission policy: mode + per-tool permissions + command rules + sandbox state → a Verdict.

Modes (issue 3):
- plan: read-only tools only; a command runs only when every part is allowed by a read-only
  rule and writes nothing. Anything else is denied with the reason.
- ask: every write and every command not allowed by a rule asks.
- accept-edits (default): workspace edits apply; commands ask unless a rule allows them.
- auto: everything runs inside the sandbox; when the sandbox is not confined, commands ask.

Over every mode:
- A deny rule, a tool set to `never`, and plan mode deny, even with --auto-approve.
- A command that cannot be judged from its text (syntax error, `eval`, `$CMD`, a shell reading
  its input) asks (plan: denied). Privilege escalation (sudo, doas, pkexec, run0, su, ..., and
  any part whose program the text does not show, which may be one of them) always asks, even in
  auto mode and with --auto-approve: it is the one thing the sandbox cannot contain, and no rule
  can allow it.
- With no confining sandbox every command asks, unless you approved it earlier in this session
  (a "session" or "always" answer), the tool is set to `always`, or --auto-approve is on.
- --auto-approve approves whatever would ask (except privilege escalation).
- A tool set to `ask` asks even when a rule or mode would allow; `always` allows what would ask.
- A change by a file tool (write_file, edit) to repository metadata (a path with a `.git` or
  `.vibe` component, inside a folder shaped like a git directory, or one that would make a folder
  one) asks in every mode (plan: denied): git runs code named there and vibe reads its rules
  there. Only a person approves it, one call at a time: the verdict is marked `protected`, which
  --auto-approve, auto mode, a tool set to `always` and earlier answers never override; approvers
  with no person to ask (headless, editor) refuse it, and no answer to it is remembered.

A command's verdict is the strictest of its parts' (deny > ask > allow). A part that writes
(`> f`, `sort -o f`) or runs a program through its options (`rg --pre CMD`, `git -C DIR`) is not
read-only: it asks whatever rule allows it (auto mode with a sandbox: runs; plan: denied). A part
run with variables that are not display-only (`HOME=x git status`) is not covered by a read-only
rule (built-in or `read_only = true`): it asks; your own allow rules still allow it. Nor is a
part given an option, or an operand, outside the allow-list vibe keeps for its program
(`vibe.policy.programs`): a read-only rule covers `sort -rn f`, not `sort -T dir f`.
"""

from __future__ import annotations

import copy
import fnmatch
import logging
from collections.abc import Callable
from pathlib import Path

from vibe.config.permissions import CommandRule, PermissionsSettings, ToolPermission
from vibe.config.rule_store import RulesDestination, store_rule, store_tool_permission
from vibe.config.settings import ConfigError, PermissionMode
from vibe.policy.ceiling import stricter_mode
from vibe.policy.command_parts import CommandAssessment, Standing, assessed, judge_part, with_overrides
from vibe.policy.rules import RuleSet
from vibe.policy.shell_parse import analyse_command
from vibe.policy.verdict import ApprovalRequest, Decision, Verdict
from vibe.tools.base import AnyTool, Invocation

__all__ = ["PermissionPolicy"]

log = logging.getLogger("vibe.policy")

_PERMISSION_STRICTNESS: dict[ToolPermission, int] = {"always": 0, "ask": 1, "never": 2}

# Path components whose files decide what runs later: git hooks and config, vibe's own rules.
PROTECTED_COMPONENTS = frozenset({".git", ".vibe"})


def protected_location(locations: tuple[str, ...]) -> str | None:
    """The first location with a `.git` or `.vibe` component (any case: macOS folds it), or None."""
    for location in locations:
        components = location.replace("\\", "/").split("/")
        if any(component.lower() in PROTECTED_COMPONENTS for component in components):
            return location
    return None


class PermissionPolicy:
    """Implements `vibe.agent.approvals.Policy` (structurally; policy sits below agent)."""

    def __init__(
        self,
        mode: PermissionMode,
        permissions: PermissionsSettings,
        *,
        sandbox_confined: bool,
        auto_approve: bool = False,
        rules_file: Path | RulesDestination | None = None,
    ) -> None:
        """Raises ConfigError when a command rule contradicts its own examples.

        `rules_file`: where "always" answers are saved (a RulesDestination also keeps the
        project's trust valid for the content vibe itself writes)."""
        self._chosen: PermissionMode = mode
        # The stricter mode a custom agent or subagent runs under (see vibe.policy.ceiling).
        self._ceiling: PermissionMode | None = None
        self._rules = RuleSet.from_settings(permissions)
        self._tools: dict[str, ToolPermission] = dict(permissions.tools)
        self._session_tools: set[str] = set()
        self._session_denied_tools: set[str] = set()
        # Rules ("allow \"npm test\"") approved by a session/always answer: they also lift the
        # ask that an unconfined sandbox puts on every command.
        self._session_rules: set[str] = set()
        self.sandbox_confined = sandbox_confined
        self._auto_approve = auto_approve
        # Where "always" answers are written (rule_store.rules_file); None: kept for the session only.
        self._destination = rules_file
        self.rules_file = rules_file.path if isinstance(rules_file, RulesDestination) else rules_file

    @property
    def mode(self) -> PermissionMode:
        return self._mode

    @property
    def _mode(self) -> PermissionMode:
        return stricter_mode(self._chosen, self._ceiling)

    @property
    def auto_approve(self) -> bool:
        # --auto-approve is the user's "auto"; an agent that asks for less gets less.
        return self._auto_approve and self._ceiling in (None, "auto")

    @auto_approve.setter
    def auto_approve(self, value: bool) -> None:
        self._auto_approve = value

    def set_mode(self, mode: PermissionMode) -> None:
        self._chosen = mode

    def set_ceiling(self, ceiling: PermissionMode | None) -> None:
        """The mode a custom agent asks for: it may only tighten the chosen one."""
        self._ceiling = ceiling

    def capped(self, ceiling: PermissionMode | None) -> PermissionPolicy:
        """A policy for a subagent: this one's rules and answers (shared, so an approval given to
        either counts for both), at most as permissive as this one is now and as `ceiling`."""
        child = copy.copy(self)
        child._chosen = self._mode
        child._auto_approve = self.auto_approve
        child._ceiling = stricter_mode(self._mode, ceiling)  # set_mode on the child cannot lift it
        return child

    # -- evaluate -----------------------------------------------------------------------------

    def _permission(self, tool: str) -> ToolPermission | None:
        """The tool's own setting, else that of the most specific pattern naming it
        (`"mcp__git__*" = "always"`); among equally long patterns the strictest wins."""
        exact = self._tools.get(tool)
        if exact is not None:
            return exact
        matching: list[tuple[int, int, ToolPermission]] = [
            (len(pattern), _PERMISSION_STRICTNESS[value], value)
            for pattern, value in self._tools.items()
            if any(mark in pattern for mark in "*?[") and fnmatch.fnmatchcase(tool, pattern)
        ]
        if not matching:
            return None
        return max(matching)[2]

    def evaluate(self, tool: AnyTool, invocation: Invocation) -> Verdict:
        permission = self._permission(tool.name)
        if permission == "never":
            return Verdict("deny", f"{tool.name} is set to never in [permissions.tools]", "tool")
        if tool.name in self._session_denied_tools:
            return Verdict("deny", f"{tool.name} was rejected for the rest of this session", "session")
        if invocation.command is not None:
            return self.assess_command(invocation.command, permission).verdict
        read_only = tool.read_only or not invocation.mutates
        if not read_only:
            location = protected_location(invocation.locations)
            if location is not None or invocation.metadata is not None:
                shown = location or ", ".join(invocation.locations) or invocation.title
                return self._protected(tool.name, shown, invocation.metadata)
        if permission == "ask":
            if self.auto_approve:
                return Verdict("allow", "--auto-approve", "mode")
            return Verdict("ask", f"{tool.name} is set to ask in [permissions.tools]", "tool")
        if read_only:
            return Verdict("allow", "read-only", "mode")
        if self._mode == "plan":
            return Verdict("deny", "plan mode: nothing may be changed", "mode")
        if permission == "always":
            return Verdict("allow", f"{tool.name} is set to always in [permissions.tools]", "tool")
        if tool.name in self._session_tools:
            return Verdict("allow", f"{tool.name} was approved for this session", "session")
        if self.auto_approve:
            return Verdict("allow", "--auto-approve", "mode")
        if self._mode == "auto" and not invocation.unconfined_effect:
            return Verdict("allow", "auto mode", "mode")
        if invocation.unconfined_effect:
            reason = f"{tool.name} acts outside vibe's sandbox (an MCP server decides what it does)"
            return Verdict("ask", reason, "mode")
        if self._mode == "accept-edits" and tool.kind == "edit":
            return Verdict("allow", "accept-edits mode: workspace edits apply", "mode")
        return Verdict("ask", f"{self._mode} mode: this change needs approval", "mode")

    def _protected(self, tool: str, location: str, why: str | None) -> Verdict:
        if self._mode == "plan":
            return Verdict("deny", "plan mode: nothing may be changed", "mode")
        detail = f" ({why})" if why else ""
        reason = (
            f"{tool} would change {location}{detail}: files under .git/ and .vibe/ (and any git "
            "directory) decide what git runs and what vibe allows, so only a person can approve "
            "such a change, one at a time"
        )
        return Verdict("ask", reason, "sandbox", protected=True)

    def assess_command(self, command: str, permission: ToolPermission | None = None) -> CommandAssessment:
        """The verdict on a whole command line, with the decision on each of its parts."""
        standing = Standing(self._mode, self.sandbox_confined, self._session_rules)
        parts = tuple(
            with_overrides(judge_part(part, self._rules, standing), permission, self.auto_approve)
            for part in analyse_command(command)
        )
        return assessed(parts)

    # -- remember -----------------------------------------------------------------------------

    def remember(self, request: ApprovalRequest, decision: Decision) -> str | None:
        """Session: keep an allow rule (or the tool) for this session. Always: also write it to config.
        A rejection with scope session/always denies the same for the rest of the session only:
        stored denials are for the user to write, knowingly, in config."""
        if decision.scope == "once":
            return None
        if not decision.approved:
            return self._remember_rejection(request)
        if request.protected:
            return None  # approved for this call only: no blanket rule for .git/ or .vibe/
        if request.command is None:
            return self._remember_tool(request.tool, persist=decision.scope == "always")
        parts = self.assess_command(request.command).parts
        asking = [p for p in parts if p.action == "ask"]
        if not asking or not all(p.suggestion for p in asking):
            return None
        texts: list[str] = []
        for part in asking:
            assert part.suggestion is not None
            rule = CommandRule(pattern=part.suggestion, action="allow")
            note = ""
            if part.needs_rule:
                if not self._rules.has(rule.pattern, "allow"):
                    self._rules.add(rule)
                if decision.scope == "always":
                    note = self._persist(lambda path, rule=rule: store_rule(path, rule))
            self._session_rules.add(rule.text())
            texts.append(rule.text() + note)
        return ", ".join(dict.fromkeys(texts))

    def _remember_rejection(self, request: ApprovalRequest) -> str | None:
        if request.protected:
            return None  # rejecting a change to .git/ must not switch the tool off
        if request.command is None:
            self._session_denied_tools.add(request.tool)
            return f'{request.tool} = "never" (this session)'
        patterns = [p.suggestion for p in self.assess_command(request.command).parts if p.action == "ask"]
        if not patterns or not all(patterns):
            return None
        texts: list[str] = []
        for pattern in dict.fromkeys(p for p in patterns if p):
            rule = CommandRule(pattern=pattern, action="deny")
            if not self._rules.has(rule.pattern, "deny"):
                self._rules.add(rule)
            texts.append(f"{rule.text()} (this session)")
        return ", ".join(texts)

    def _remember_tool(self, tool: str, persist: bool) -> str:
        self._session_tools.add(tool)
        note = self._persist(lambda path: store_tool_permission(path, tool, "always")) if persist else ""
        return f'{tool} = "always"{note}'

    def _persist(self, write: Callable[[Path], object]) -> str:
        """Writes to the rules file; a note for the user when it could not be saved."""
        if self.rules_file is None:
            return " (kept for this session only: no config file to save it to)"
        try:
            if isinstance(self._destination, RulesDestination):
                self.rules_file = self._destination.save(write)
            else:
                write(self.rules_file)
        except (OSError, ConfigError) as exc:
            log.warning("could not save an approval to %s: %s", self.rules_file, exc)
            return f" (kept for this session only: not saved to {self.rules_file}: {exc})"
        return ""

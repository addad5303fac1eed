"""The decision on each simple command of a command line, and the command's verdict from them.

`vibe.policy.engine` states the rules these decisions follow (modes, what is read-only, what a
missing sandbox changes); this module carries them out for one part at a time, so the policy
itself only adds what a tool's setting and --auto-approve say over them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from vibe.config.permissions import ToolPermission
from vibe.config.settings import PermissionMode
from vibe.policy.rules import STRICTNESS, Rule, RuleJudgement, RuleSet
from vibe.policy.simple_command import SimpleCommand
from vibe.policy.suggest import exact_pattern, suggest_pattern
from vibe.policy.verdict import Verdict, VerdictAction, VerdictSource

__all__ = ["CommandAssessment", "PartVerdict", "Standing", "assessed", "judge_part", "with_overrides"]


@dataclass(frozen=True, slots=True)
class Standing:
    """What a part's decision depends on besides the rules, as the policy stands now."""

    mode: PermissionMode
    # Whether an OS sandbox confines commands.
    confined: bool
    # Rules approved by a session/always answer (they also lift the unconfined sandbox's ask).
    session_rules: set[str]


@dataclass(frozen=True, slots=True)
class PartVerdict:
    """The decision on one simple command of a command line."""

    part: SimpleCommand
    action: VerdictAction
    # Completes a sentence whose subject is the part: "is allowed by allow \"ls\" (built-in)".
    reason: str
    source: VerdictSource
    rule: str | None = None
    # The allow pattern an "always"/"session" answer stores for this part, when one would help.
    suggestion: str | None = None
    # False when rules already allow the part (it asked only because nothing confines it).
    needs_rule: bool = True


@dataclass(frozen=True, slots=True)
class CommandAssessment:
    verdict: Verdict
    parts: tuple[PartVerdict, ...]


def _quote(part: SimpleCommand) -> str:
    return f"`{part.text.strip()}`" if part.text.strip() else "the command"


def _effects(part: SimpleCommand) -> str | None:
    """What makes `part` not read-only whatever rule allows it: its writes and the programs it runs."""
    effects: list[str] = []
    if part.writes:
        effects.append(f"writes {', '.join(part.writes)}")
    if part.executes:
        effects.append(f"may run other programs through {'; '.join(part.executes)}")
    return ", and ".join(effects) or None


def _beyond_reading(part: SimpleCommand, rule: Rule | None) -> str | None:
    """For a part a read-only rule allows: what may make it do more than read (the allow-lists)."""
    if rule is None or not rule.source.read_only:
        return None
    from vibe.policy.programs import read_only_problem  # the tables load on first use

    return read_only_problem(part)


def _environment(part: SimpleCommand) -> str:
    names = ", ".join(dict.fromkeys(part.environment))
    return f"sets {names}, which a read-only rule does not cover (only display variables like LANG do)"


def assessed(parts: tuple[PartVerdict, ...]) -> CommandAssessment:
    """The verdict on a whole command line from its parts': the strictest (deny > ask > allow)."""
    if not parts:
        return CommandAssessment(Verdict("allow", "nothing to run", "mode"), parts)
    worst = max(parts, key=lambda p: STRICTNESS[p.action])
    suggestion: str | None = None
    if worst.action == "ask":
        asking = [p for p in parts if p.action == "ask"]
        patterns = [p.suggestion for p in asking]
        if all(patterns):
            suggestion = ", ".join(dict.fromkeys(p for p in patterns if p))
    reason = f"{_quote(worst.part)} {worst.reason}"
    verdict = Verdict(worst.action, reason, worst.source, rule=worst.rule, suggested_rule=suggestion)
    return CommandAssessment(verdict, parts)


def judge_part(part: SimpleCommand, rules: RuleSet, standing: Standing) -> PartVerdict:
    """Rules, mode and sandbox; per-tool permissions and --auto-approve come after
    (`with_overrides`)."""
    mode = standing.mode
    if part.opaque is not None:
        action: VerdictAction = "deny" if mode == "plan" else "ask"
        return PartVerdict(part, action, f"cannot be judged from its text: {part.opaque}", "rule")
    # A bare redirection (`> f`) runs nothing; it only writes.
    judgement = rules.judge(part) if part.words else None
    rule = judgement.rule if judgement else None
    rule_text = rule.text if rule else None
    if judgement and judgement.action == "deny":
        return PartVerdict(part, "deny", f"is denied by {judgement.reason}", "rule", rule_text)
    if mode == "plan":
        return _judge_plan(part, judgement)
    if part.elevated:
        return PartVerdict(part, "ask", "runs with raised privileges, which always asks", "rule")
    if judgement and judgement.action == "ask":
        return PartVerdict(part, "ask", f"asks: {judgement.reason}", "rule", rule_text)
    confined_auto = mode == "auto" and standing.confined
    effects = _effects(part)
    if effects is not None:
        if confined_auto:
            return PartVerdict(part, "allow", f"{effects} inside the sandbox (auto mode)", "mode")
        if mode == "auto":  # auto mode only asks because nothing confines the command
            return PartVerdict(part, "ask", f"{effects}, and no OS sandbox confines commands", "sandbox")
        before = "running programs the rules cannot see" if part.executes else "writes"
        return PartVerdict(part, "ask", f"{effects} ({mode} mode asks before {before})", "mode")
    if rule is not None and rule.source.read_only and part.environment and not confined_auto:
        # No suggestion: a rule for the command would not cover the variables either.
        return PartVerdict(part, "ask", _environment(part), "mode", rule_text, needs_rule=False)
    beyond = _beyond_reading(part, rule)
    if beyond is not None and not confined_auto:
        # "Always" stores this exact command: a rule for the program would allow any option.
        reason = f"is not read-only: {beyond} ({mode} mode asks)"
        return PartVerdict(part, "ask", reason, "mode", rule_text, suggestion=exact_pattern(part))
    if rule is not None and rule_text in standing.session_rules:
        return PartVerdict(
            part, "allow", f"was approved for this session ({rule_text})", "session", rule_text
        )
    if rule is not None:
        verdict = PartVerdict(part, "allow", f"is allowed by {rule.describe()}", "rule", rule_text)
        sandbox_suggestion = rule.source.pattern
    elif confined_auto:
        return PartVerdict(part, "allow", "runs inside the sandbox (auto mode)", "mode")
    elif mode == "auto":
        reason = "is not allowed by any rule, and no OS sandbox confines commands"
        return PartVerdict(part, "ask", reason, "sandbox", suggestion=suggest_pattern(part))
    else:
        reason = f"is not allowed by any rule ({mode} mode asks before commands)"
        return PartVerdict(part, "ask", reason, "mode", suggestion=suggest_pattern(part))
    if standing.confined:
        return verdict
    return replace(
        verdict,
        action="ask",
        reason=f"{verdict.reason}, but no OS sandbox confines commands, so every command asks",
        source="sandbox",
        suggestion=sandbox_suggestion,
        needs_rule=False,
    )


def _judge_plan(part: SimpleCommand, judgement: RuleJudgement | None) -> PartVerdict:
    rule = judgement.rule if judgement else None
    rule_text = rule.text if rule else None
    effects = _effects(part)
    if effects is not None:
        why = effects
    elif part.environment:
        why = _environment(part)
    elif part.elevated:
        why = "runs with raised privileges"
    elif rule is None or judgement is None or judgement.action != "allow":
        why = "is not allowed by a read-only rule"
    elif not rule.source.read_only:
        why = f"is allowed by {rule.describe()}, which is not marked read_only"
    elif (beyond := _beyond_reading(part, rule)) is not None:
        why = f"is not read-only: {beyond}"
    else:
        return PartVerdict(part, "allow", f"is read-only by {rule.describe()}", "rule", rule_text)
    return PartVerdict(part, "deny", f"{why}, and plan mode only runs read-only commands", "mode", rule_text)


def with_overrides(
    verdict: PartVerdict, permission: ToolPermission | None, auto_approve: bool
) -> PartVerdict:
    """The tool's own setting and --auto-approve, over the part's verdict (never for raised
    privileges)."""
    if verdict.action == "allow" and permission == "ask":
        return replace(
            verdict, action="ask", reason=f"{verdict.reason}; the tool is set to ask", source="tool"
        )
    if verdict.action != "ask" or verdict.part.elevated:
        return verdict
    if permission == "always" and verdict.part.opaque is None and verdict.source != "rule":
        return replace(
            verdict, action="allow", reason=f"{verdict.reason}; the tool is set to always", source="tool"
        )
    if auto_approve:
        return replace(verdict, action="allow", reason=f"{verdict.reason}; approved by --auto-approve")
    return verdict

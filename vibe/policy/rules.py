"""Shell command rules: prefix patterns over one simple command's words, and which rule wins.

Matching. Pattern words are compared with the command's words one by one (`*` and `?` glob within
a word; `*` alone is any one word). A pattern is a prefix unless it ends with `$`. The command
name may be written with a path (`/bin/rm`): deny and ask rules see its base name too, allow
rules do not (a `./ls` script is not `ls`). A word only known at run time (`$VAR`, `$(...)`)
matches a `*` but no literal, so an allow rule never covers it, and a deny or ask rule that it
*might* match makes the command ask.

Precedence, the same for every command:
1. Layers: your own rules (your config, and rules approved during this session) beat the
   project's (`<repo>/.vibe/config.toml`), which beat the built-in ones. So a project's
   `allow "curl *"` never overrides your `deny "curl"`, however specific it is.
2. Among one layer, the more specific pattern wins: more words first, then more literal words.
3. At equal specificity the stricter action wins: deny > ask > allow.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Literal

from vibe.config.permissions import CommandRule, PermissionsSettings, RuleAction, split_pattern
from vibe.config.settings import ConfigError
from vibe.policy.builtin_rules import builtin_rules
from vibe.policy.shell_parse import analyse_command
from vibe.policy.simple_command import SimpleCommand

RuleLayer = Literal["builtin", "project", "user"]
_LAYER_RANK: dict[str, int] = {"builtin": 0, "project": 1, "user": 2}
MatchResult = Literal["yes", "maybe", "no"]

STRICTNESS: dict[RuleAction, int] = {"allow": 0, "ask": 1, "deny": 2}
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True, slots=True)
class Rule:
    source: CommandRule
    layer: RuleLayer
    words: tuple[str, ...]
    anchored: bool

    @classmethod
    def compile(cls, source: CommandRule, layer: RuleLayer) -> Rule:
        words, anchored = split_pattern(source.pattern)
        return cls(source, layer, words, anchored)

    @property
    def action(self) -> RuleAction:
        return self.source.action

    @property
    def text(self) -> str:
        return self.source.text()

    def describe(self) -> str:
        if self.layer == "user":
            return self.text
        return f"{self.text} ({'built-in' if self.layer == 'builtin' else 'project'})"

    @property
    def specificity(self) -> tuple[int, int]:
        literal = sum(1 for word in self.words if not _GLOB_CHARS & set(word))
        return len(self.words) + int(self.anchored), literal

    def rank(self) -> tuple[int, tuple[int, int], int]:
        return _LAYER_RANK[self.layer], self.specificity, STRICTNESS[self.action]

    def match(self, part: SimpleCommand) -> MatchResult:
        words = part.words
        unsure = False
        for index, pattern in enumerate(self.words):
            if index >= len(words):
                # xargs may append the missing words at run time.
                return "maybe" if part.open_tail else "no"
            word = words[index]
            if word is None:
                unsure = unsure or pattern != "*"
            elif index == 0:
                if not self._name_matches(word, pattern):
                    return "no"
            elif not fnmatchcase(word, pattern):
                return "no"
        if self.anchored:
            if len(words) > len(self.words):
                return "no"
            unsure = unsure or part.open_tail
        return "maybe" if unsure else "yes"

    def _name_matches(self, name: str, pattern: str) -> bool:
        if fnmatchcase(name, pattern):
            return True
        qualified = "/" in name and "/" not in pattern
        return self.action != "allow" and qualified and fnmatchcase(posixpath.basename(name), pattern)


@dataclass(frozen=True, slots=True)
class RuleJudgement:
    """What the rules say about one part: the action (None when no rule matches) and why."""

    action: RuleAction | None
    rule: Rule | None
    reason: str


def check_examples(rule: Rule) -> None:
    """A ConfigError naming the rule and the example it contradicts, if any."""
    for example in rule.source.match:
        if not any(rule.match(part) == "yes" for part in analyse_command(example)):
            raise ConfigError(f'permissions rule {rule.text} does not match its example "{example}"')
    for example in rule.source.not_match:
        if any(rule.match(part) == "yes" for part in analyse_command(example)):
            raise ConfigError(f'permissions rule {rule.text} matches "{example}", listed in its not_match')


class RuleSet:
    """Compiled rules with their precedence; session rules can be added as the user approves."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._rules = list(rules)

    @classmethod
    def from_settings(cls, permissions: PermissionsSettings, builtins: bool = True) -> RuleSet:
        """User rules over the project's over the built-ins; raises ConfigError for a rule
        contradicting its examples."""
        rules = [Rule.compile(rule, "user") for rule in permissions.commands]
        rules += [Rule.compile(rule, "project") for rule in permissions.project_commands]
        for rule in rules:
            check_examples(rule)
        # The built-ins' own examples are checked by the test suite, not at every start-up:
        # parsing them would load the shell parser before any command needs it.
        if builtins:
            rules += [Rule.compile(rule, "builtin") for rule in builtin_rules()]
        return cls(rules)

    @property
    def rules(self) -> Sequence[Rule]:
        return tuple(self._rules)

    def add(self, rule: CommandRule) -> Rule:
        compiled = Rule.compile(rule, "user")
        self._rules.insert(0, compiled)
        return compiled

    def has(self, pattern: str, action: RuleAction) -> bool:
        return any(
            r.layer == "user" and r.source.pattern == pattern and r.action == action for r in self._rules
        )

    def judge(self, part: SimpleCommand) -> RuleJudgement:
        definite: list[Rule] = []
        possible: list[Rule] = []
        for rule in self._rules:
            result = rule.match(part)
            if result == "yes":
                definite.append(rule)
            elif result == "maybe" and rule.action != "allow":
                possible.append(rule)
        winner = max(definite, key=Rule.rank, default=None)
        if possible and (winner is None or winner.action == "allow"):
            strictest = max(possible, key=Rule.rank)
            return RuleJudgement(
                "ask", strictest, f"it may match {strictest.describe()} once the shell fills in its words"
            )
        if winner is None:
            return RuleJudgement(None, None, "no rule matches it")
        return RuleJudgement(winner.action, winner, f"{winner.describe()}")

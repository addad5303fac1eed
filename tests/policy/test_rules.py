"""Command rules: pattern matching, examples checked at load, precedence, built-ins, suggestions."""

from __future__ import annotations

import pytest

from vibe.config.permissions import CommandRule, PermissionsSettings
from vibe.config.settings import ConfigError, build_settings
from vibe.policy.engine import PermissionPolicy
from vibe.policy.rules import RuleSet
from vibe.policy.shell_parse import analyse_command
from vibe.policy.suggest import suggest_pattern


def rules(*specs: tuple[str, str], builtins: bool = False) -> RuleSet:
    commands = [CommandRule(pattern=pattern, action=action) for action, pattern in specs]  # type: ignore[arg-type]
    return RuleSet.from_settings(PermissionsSettings(commands=commands), builtins=builtins)


def judge(ruleset: RuleSet, command: str) -> tuple[str | None, str | None]:
    (part,) = analyse_command(command)
    judgement = ruleset.judge(part)
    return judgement.action, judgement.rule.text if judgement.rule else None


@pytest.mark.parametrize(
    ("pattern", "command", "matches"),
    [
        ("git status", "git status", True),
        ("git status", "git status --short", True),
        ("git status", "git stash", False),
        ("git", "git push --force", True),
        ("npm run *", "npm run build", True),
        ("npm run *", "npm run", False),
        ("npm run test:*", "npm run test:unit", True),
        ("rm -rf", "rm -rf build", True),
        ("rm -rf", "rm -r -f build", False),
        ("git branch $", "git branch", True),
        ("git branch $", "git branch -D main", False),
        ("ls", "./ls", False),
    ],
)
def test_patterns_match_word_prefixes(pattern: str, command: str, matches: bool) -> None:
    action, _ = judge(rules(("allow", pattern)), command)
    assert (action == "allow") is matches


def test_deny_rules_also_see_the_base_name_of_a_path() -> None:
    assert judge(rules(("deny", "rm")), "/bin/rm -rf x") == ("deny", 'deny "rm"')
    assert judge(rules(("allow", "rm")), "/bin/rm -rf x") == (None, None)


def test_words_known_only_at_run_time() -> None:
    ruleset = rules(("allow", "git status"), ("allow", "cat"), ("deny", "git push"))
    assert judge(ruleset, "cat $FILE") == ("allow", 'allow "cat"')
    # `git $X` may be `git push`: the deny rule might match, so it asks; the allow cannot match.
    assert judge(ruleset, "git $X") == ("ask", 'deny "git push"')
    # xargs appends words: `xargs git` may become `git push`.
    parts = analyse_command("ls | xargs git")
    assert ruleset.judge(parts[1]).action == "ask"


def test_more_specific_rules_win_and_deny_wins_ties() -> None:
    ruleset = rules(("allow", "git"), ("deny", "git push"), ("allow", "git push --dry-run"))
    assert judge(ruleset, "git log") == ("allow", 'allow "git"')
    assert judge(ruleset, "git push origin") == ("deny", 'deny "git push"')
    assert judge(ruleset, "git push --dry-run") == ("allow", 'allow "git push --dry-run"')
    tie = rules(("allow", "make *"), ("deny", "make *"))
    assert judge(tie, "make install")[0] == "deny"
    literal_beats_glob = rules(("ask", "npm run *"), ("allow", "npm run lint"))
    assert judge(literal_beats_glob, "npm run lint")[0] == "allow"


def test_user_rules_beat_builtin_rules() -> None:
    ruleset = rules(("ask", "cat"), builtins=True)
    assert judge(ruleset, "cat README.md") == ("ask", 'ask "cat"')
    assert judge(ruleset, "head README.md")[0] == "allow"


def test_examples_that_agree_load() -> None:
    rule = CommandRule(
        pattern="npm run *", action="allow", match=["npm run build"], not_match=["npm install"]
    )
    RuleSet.from_settings(PermissionsSettings(commands=[rule]))


def test_a_rule_contradicting_its_match_example_is_a_config_error() -> None:
    rule = CommandRule(pattern="git push", action="deny", match=["git push origin", "git  pull"])
    with pytest.raises(ConfigError) as caught:
        RuleSet.from_settings(PermissionsSettings(commands=[rule]))
    assert str(caught.value) == 'permissions rule deny "git push" does not match its example "git  pull"'


def test_a_rule_contradicting_its_not_match_example_is_a_config_error() -> None:
    rule = CommandRule(pattern="rm", action="deny", not_match=["cd x && rm -rf y"])
    with pytest.raises(
        ConfigError, match='rule deny "rm" matches "cd x && rm -rf y", listed in its not_match'
    ):
        RuleSet.from_settings(PermissionsSettings(commands=[rule]))


def test_builtin_rules_keep_their_own_examples() -> None:
    ruleset = RuleSet.from_settings(PermissionsSettings())
    assert any(rule.source.match for rule in ruleset.rules)


@pytest.mark.parametrize(
    "command",
    ["ls -la", "cat a b", "git status", "git diff HEAD~1", "git log --oneline", "rg TODO", "find . -name x",
     "git branch", "wc -l f", "grep -rn x ."],
)  # fmt: skip
def test_builtins_allow_reading(command: str) -> None:
    assert judge(RuleSet.from_settings(PermissionsSettings()), command)[0] == "allow"


@pytest.mark.parametrize(
    "command",
    ["rm x", "git push", "git commit -m x", "git branch -D main", "git checkout .", "mv a b", "cp a b",
     "chmod +x f", "npm install", "curl https://x.example", "python x.py", "sed -i s/a/b/ f",
     "git reset --hard", "touch f", "mkdir d", "git stash", "git tag v1", "env -i"],
)  # fmt: skip
def test_builtins_allow_nothing_destructive(command: str) -> None:
    # A built-in rule may name the program (`sed`), its allow-list refuses the rest (`-i`).
    policy = PermissionPolicy("accept-edits", PermissionsSettings(), sandbox_confined=True)
    assert policy.assess_command(command).verdict.action == "ask", command
    plan = PermissionPolicy("plan", PermissionsSettings(), sandbox_confined=True)
    assert plan.assess_command(command).verdict.action == "deny", command


def test_pattern_syntax_is_checked_when_the_config_loads() -> None:
    bad = {"permissions": {"commands": [{"pattern": "git $ status", "action": "allow"}]}}
    with pytest.raises(ConfigError, match="may only end a pattern"):
        build_settings([("config.toml", bad)])
    empty = {"permissions": {"commands": [{"pattern": "  ", "action": "deny"}]}}
    with pytest.raises(ConfigError, match="names no command"):
        build_settings([("config.toml", empty)])
    read_only_deny = {"permissions": {"commands": [{"pattern": "x", "action": "deny", "read_only": True}]}}
    with pytest.raises(ConfigError, match="read_only only applies to allow rules"):
        build_settings([("config.toml", read_only_deny)])


@pytest.mark.parametrize(
    ("command", "suggestion"),
    [
        ("npm test -- --watch", "npm test"),
        ('git commit -m "x"', "git commit"),
        ("pytest tests/x.py -k y", "pytest"),
        ("npm run build", "npm run build"),
        ("uv run pytest -q", "uv run pytest"),
        ("python -m pytest -q", "python -m pytest"),
        ("python tools/gen.py --fast", "python tools/gen.py"),
        ("cargo build --release", "cargo build"),
        ("make -j4", "make"),
        ("rm -rf build", "rm -rf build $"),
        ("rm *.pyc", "rm '[*].pyc' $"),
        ("git push origin main", "git push origin main $"),
        ("python -c 'import os'", None),
        ("git $SUB", None),
        ("rm $X", None),
    ],
)
def test_suggested_rules_generalise_safely(command: str, suggestion: str | None) -> None:
    (part,) = analyse_command(command)
    assert suggest_pattern(part) == suggestion


def test_a_suggested_rule_matches_the_command_it_came_from() -> None:
    for command in ["rm *.pyc", "npm test -- --watch", "git push origin main", "python -m pytest -q"]:
        (part,) = analyse_command(command)
        pattern = suggest_pattern(part)
        assert pattern is not None
        assert judge(rules(("allow", pattern)), command)[0] == "allow", pattern
    assert judge(rules(("allow", "rm '[*].pyc' $")), "rm x.pyc")[0] is None


def test_every_built_in_rule_agrees_with_its_examples() -> None:
    # Start-up skips this check for the built-ins; this test is where it happens.
    from vibe.policy.builtin_rules import builtin_rules
    from vibe.policy.rules import Rule, check_examples

    rules = [Rule.compile(rule, "builtin") for rule in builtin_rules()]
    assert any(rule.source.match for rule in rules)
    for rule in rules:
        check_examples(rule)

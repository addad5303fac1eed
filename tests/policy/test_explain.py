"""`vibe policy check`: each part, its decision and the rule that made it."""

from __future__ import annotations

import pytest

from vibe.config.permissions import CommandRule, PermissionsSettings
from vibe.config.settings import ConfigError
from vibe.policy.explain import EXIT_CODES, explain_command

PERMISSIONS = PermissionsSettings(commands=[CommandRule(pattern="rm -rf", action="deny")])


def test_explains_each_part_and_the_deciding_rule() -> None:
    action, text = explain_command("git status && sudo rm -rf build", PERMISSIONS, "accept-edits")
    assert action == "deny"
    assert text.splitlines() == [
        "deny: git status && sudo rm -rf build",
        "  mode accept-edits, sandbox confined",
        "  allow  git status",
        '         is allowed by allow "git status" (built-in)',
        '         rule: allow "git status"',
        "  deny   rm -rf build   (from: sudo rm -rf build)",
        '         is denied by deny "rm -rf"',
        '         rule: deny "rm -rf"',
    ]


def test_an_ask_shows_the_rule_always_allow_would_store() -> None:
    action, text = explain_command("npm test -- --watch", PermissionsSettings(), "ask")
    assert action == "ask"
    assert text.splitlines()[-1] == '  "always allow" would store: npm test'
    assert EXIT_CODES[action] == 10


def test_unconfined_sandbox_is_stated() -> None:
    action, text = explain_command("ls", PermissionsSettings(), "accept-edits", sandbox_confined=False)
    assert action == "ask"
    assert "sandbox NOT confined" in text
    assert "no OS sandbox confines commands, so every command asks" in text


def test_a_bad_rule_is_a_config_error() -> None:
    bad = PermissionsSettings(commands=[CommandRule(pattern="git push", action="deny", match=["git pull"])])
    with pytest.raises(ConfigError, match='does not match its example "git pull"'):
        explain_command("ls", bad, "ask")

"""Storing "always allow" answers in config.toml: the right file, comments kept, no duplicates."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from vibe.config.permissions import CommandRule
from vibe.config.rule_store import rules_file, store_rule, store_tool_permission
from vibe.config.settings import ConfigError, build_settings, read_toml

ORIGINAL = """\
# Team settings: keep this comment.
model = "devstral"   # inline comment too

[[permissions.commands]]
pattern = "ls"   # read-only
action = "allow"
"""


def test_rules_go_to_the_project_inside_a_git_repo_else_to_vibe_home(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    home = tmp_path / "home"
    env = {"VIBE_HOME": str(home)}
    assert rules_file(repo / "src", env) == repo / ".vibe" / "config.toml"
    outside = tmp_path / "plain"
    outside.mkdir()
    assert rules_file(outside, env) == home / "config.toml"


def test_store_rule_appends_keeps_comments_and_never_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    assert store_rule(path, CommandRule(pattern="npm test", action="allow"))
    assert not store_rule(path, CommandRule(pattern="npm test", action="allow"))
    assert not store_rule(path, CommandRule(pattern="ls", action="allow"))
    text = path.read_text()
    assert text.startswith(ORIGINAL)
    assert text.count("npm test") == 1
    loaded = build_settings([(str(path), read_toml(path))])
    assert [(r.pattern, r.action) for r in loaded.permissions.commands] == [
        ("ls", "allow"),
        ("npm test", "allow"),
    ]


def test_store_rule_creates_the_file_and_folder(tmp_path: Path) -> None:
    path = tmp_path / ".vibe" / "config.toml"
    assert store_rule(path, CommandRule(pattern="cargo test", action="allow"))
    assert read_toml(path) == {"permissions": {"commands": [{"pattern": "cargo test", "action": "allow"}]}}
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temp file left behind


def test_store_rule_extends_an_inline_list(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[permissions]\ncommands = [{ pattern = "ls", action = "allow" }]  # mine\n')
    store_rule(path, CommandRule(pattern="make", action="allow"))
    assert "# mine" in path.read_text()
    assert [c["pattern"] for c in read_toml(path)["permissions"]["commands"]] == ["ls", "make"]


def test_store_tool_permission(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(ORIGINAL)
    assert store_tool_permission(path, "write_file", "always")
    assert not store_tool_permission(path, "write_file", "always")
    assert path.read_text().startswith(ORIGINAL)
    assert read_toml(path)["permissions"]["tools"] == {"write_file": "always"}


def test_a_broken_file_is_a_config_error_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("model = = 1\n")
    with pytest.raises(ConfigError, match="is not valid TOML, so the rule was not saved"):
        store_rule(path, CommandRule(pattern="make", action="allow"))
    assert path.read_text() == "model = = 1\n"
    path.write_text('permissions = "yes"\n')
    with pytest.raises(ConfigError, match="'permissions' is not a table"):
        store_rule(path, CommandRule(pattern="make", action="allow"))

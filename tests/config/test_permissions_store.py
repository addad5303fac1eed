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


def _answer_always(repo: Path, env: dict[str, str], pattern: str) -> Path:
    """What an "always" answer does: store the rule where the session's destination says."""
    from vibe.config.loader import load_config
    from vibe.config.rule_store import RulesDestination

    destination = RulesDestination(repo, env, load_config(repo, env, {}).trust)
    return destination.save(lambda path: store_rule(path, CommandRule(pattern=pattern, action="allow")))


def test_always_answers_keep_a_trusted_folder_trusted_and_spare_an_untrusted_one(tmp_path: Path) -> None:
    from vibe.config.loader import load_config

    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    home = tmp_path / "home"
    env = {"VIBE_HOME": str(home)}
    project = repo / ".vibe" / "config.toml"
    # Nothing to trust yet: the rule goes to the project, and the folder is trusted for it.
    assert _answer_always(repo, env, "npm test") == project
    assert load_config(repo, env, {}).trust.status == "trusted"
    assert _answer_always(repo, env, "make") == project
    assert load_config(repo, env, {}).trust.status == "trusted"
    # The project asks for something the user never saw: answers go to the user's own file.
    project.write_text(project.read_text() + '\n[sandbox]\nuse = "off"\n')
    assert load_config(repo, env, {}).trust.status == "changed"
    assert _answer_always(repo, env, "cargo build") == home / "config.toml"
    assert load_config(repo, env, {}).trust.status == "changed"  # vibe did not bless the change
    assert "cargo build" not in project.read_text()


def test_a_change_behind_the_sessions_back_is_not_blessed(tmp_path: Path) -> None:
    from vibe.config.loader import load_config
    from vibe.config.rule_store import RulesDestination

    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    env = {"VIBE_HOME": str(tmp_path / "home")}
    destination = RulesDestination(repo, env, load_config(repo, env, {}).trust)
    project = repo / ".vibe" / "config.toml"
    project.parent.mkdir()
    project.write_text('[providers.x]\nbase_url = "http://127.0.0.1:1/v1"\n')  # a pull, mid-session
    saved = destination.save(lambda path: store_rule(path, CommandRule(pattern="make", action="allow")))
    assert saved == tmp_path / "home" / "config.toml"
    assert load_config(repo, env, {}).trust.status == "untrusted"

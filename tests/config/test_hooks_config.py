"""`[[hooks]]` in the settings: validated, added up across layers, a repository's only once trusted,
and switched off for a run by --no-hooks (and MCP servers by --no-mcp)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibe.config.loader import load_config
from vibe.config.settings import ConfigError
from vibe.config.trust import TrustStore


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


USER_HOOK = '[[hooks]]\nevent = "post_tool"\nmatcher = "write_file"\ncommand = "ruff format"\n'
PROJECT_HOOK = '[[hooks]]\nevent = "pre_tool"\ncommand = "./check.sh"\ntimeout = 5\n'


def test_a_repositorys_hooks_join_the_users_only_once_trusted(tmp_path: Path, repo: Path) -> None:
    home = tmp_path / "home"
    write(home / "config.toml", USER_HOOK)
    write(repo / ".vibe" / "config.toml", PROJECT_HOOK)
    env = {"VIBE_HOME": str(home)}
    untrusted = load_config(repo, env, {})
    assert untrusted.trust.status == "untrusted"
    assert [h.command for h in untrusted.settings.hooks] == ["ruff format"]
    assert 'hooks[0].command = "./check.sh"' in untrusted.trust.ignored

    TrustStore(home).trust(repo, untrusted.trust.fingerprint)
    trusted = load_config(repo, env, {}).settings.hooks
    assert [(h.event, h.command, h.timeout) for h in trusted] == [
        ("post_tool", "ruff format", 60.0),
        ("pre_tool", "./check.sh", 5.0),
    ]
    assert trusted[0].source == str(home / "config.toml")
    assert trusted[1].source == str(repo / ".vibe" / "config.toml")

    # A changed hook voids the trust: it is not run until trusted again.
    write(repo / ".vibe" / "config.toml", PROJECT_HOOK.replace("check", "steal"))
    changed = load_config(repo, env, {})
    assert changed.trust.status == "changed"
    assert changed.trust.changed == ('changed hooks[0].command: "./check.sh" → "./steal.sh"',)
    assert [h.command for h in changed.settings.hooks] == ["ruff format"]


def test_no_hooks_and_no_mcp_switch_them_off_for_a_run(tmp_path: Path, repo: Path) -> None:
    home = tmp_path / "home"
    write(home / "config.toml", USER_HOOK + '[mcp_servers.git]\ncommand = "mcp-server-git"\n')
    env = {"VIBE_HOME": str(home)}
    both = load_config(repo, env, {}).settings
    assert both.hooks and both.mcp_servers
    off = load_config(repo, env, {"no_hooks": True, "no_mcp": True}).settings
    assert (off.hooks, off.mcp_servers) == ((), {})


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('event = "before_tool"\ncommand = "x"', "hooks.0.event"),
        ('event = "stop"\nmatcher = "bash"\ncommand = "x"', "matcher only applies"),
        ('event = "stop"\ncommand = ""', "hooks.0.command"),
        ('event = "stop"\ncommand = "x"\ntimeout = 0', "hooks.0.timeout"),
    ],
)
def test_a_bad_hook_is_one_clear_sentence(tmp_path: Path, repo: Path, entry: str, problem: str) -> None:
    home = tmp_path / "home"
    write(home / "config.toml", f"[[hooks]]\n{entry}\n")
    with pytest.raises(ConfigError, match=problem):
        load_config(repo, {"VIBE_HOME": str(home)}, {})

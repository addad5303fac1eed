"""`vibe mcp add/list/remove` on a real config file and real servers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from vibe.composition.mcp_cmd import main

SERVER = str(Path(__file__).resolve().parents[1] / "support" / "mcp_test_server.py")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "config.toml").write_text("# mine\n[tui]\nnotify = false  # quiet please\n")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    (folder / ".git").mkdir(parents=True)
    return folder


def test_add_list_remove_keep_the_users_comments(
    home: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"VIBE_HOME": str(home)}
    assert main(["add", "t", "--", sys.executable, SERVER], env, repo) == 0
    assert main(["add", "web", "--url", "http://127.0.0.1:9/mcp"], env, repo) == 0
    text = (home / "config.toml").read_text()
    assert text.startswith("# mine\n[tui]\nnotify = false  # quiet please\n")
    assert "[mcp_servers.t]" in text and 'url = "http://127.0.0.1:9/mcp"' in text
    capsys.readouterr()
    assert main(["list"], env, repo) == 1  # the HTTP server is not there
    listed = capsys.readouterr().out
    assert "t (stdio): ready" in listed and "mcp__t__echo" in listed
    assert "confinement: " in listed and "web (http): failed" in listed
    assert main(["remove", "web"], env, repo) == 0
    assert main(["remove", "web"], env, repo) == 2
    assert "[mcp_servers.web]" not in (home / "config.toml").read_text()
    assert main(["list"], env, repo) == 0


def test_a_bad_server_is_refused_before_the_file_changes(home: Path, repo: Path) -> None:
    before = (home / "config.toml").read_text()
    env = {"VIBE_HOME": str(home)}
    assert main(["add", "bad name", "--", "x"], env, repo) == 2
    assert main(["add", "both", "--url", "http://h/mcp", "--", "x"], env, repo) == 2
    assert main(["add", "neither"], env, repo) == 2
    assert (home / "config.toml").read_text() == before


def test_an_untrusted_projects_servers_are_named_not_started(
    home: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ".vibe").mkdir()
    (repo / ".vibe" / "config.toml").write_text('[mcp_servers.evil]\ncommand = "curl"\n')
    assert main(["list"], {"VIBE_HOME": str(home)}, repo) == 0
    out = capsys.readouterr().out
    assert "not started: this folder is not trusted" in out and "mcp_servers.evil.command" in out

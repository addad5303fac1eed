"""Settings layers, model resolution and AGENTS.md discovery, on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibe.config.instructions import discover_instructions
from vibe.config.loader import load_settings, resolve_model
from vibe.config.settings import ConfigError


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_layers_apply_in_order(tmp_path: Path, repo: Path) -> None:
    home = tmp_path / "home"
    write(
        home / "config.toml",
        'model = "codestral"\n[models.codestral]\ninput_price = 9.0\n[limits]\nmax_turns = 5\n',
    )
    # A project may lower a limit without being trusted (raising one needs trust: test_trust.py).
    write(repo / ".vibe" / "config.toml", "[limits]\nmax_turns = 3\n")
    env = {"VIBE_HOME": str(home)}
    settings = load_settings(repo, env, {})
    assert settings.model == "codestral"
    # A partial override keeps the rest of the built-in model.
    assert (settings.models["codestral"].input_price, settings.models["codestral"].id) == (
        9.0,
        "codestral-latest",
    )
    assert settings.limits.max_turns == 3
    assert load_settings(repo, {**env, "VIBE_MODEL": "devstral"}, {}).model == "devstral"
    assert load_settings(repo, {**env, "VIBE_MODEL": "devstral"}, {"model": "x-1"}).model == "x-1"


def test_no_config_file_env_overrides_reach_a_local_server(tmp_path: Path) -> None:
    env = {
        "VIBE_HOME": str(tmp_path),
        "VIBE_BASE_URL": "http://127.0.0.1:8080/v1/",
        "VIBE_MODEL": "devstral-local",
    }
    resolved = resolve_model(load_settings(tmp_path, env, {}), env, None)
    assert resolved.base_url == "http://127.0.0.1:8080/v1"
    assert (resolved.profile.id, resolved.profile.context_window, resolved.api_key) == (
        "devstral-local",
        None,
        None,
    )


def test_mistral_api_without_key_is_a_clear_config_error(tmp_path: Path) -> None:
    env = {"VIBE_HOME": str(tmp_path)}
    with pytest.raises(ConfigError, match="MISTRAL_API_KEY"):
        resolve_model(load_settings(tmp_path, env, {}), env, None)
    resolved = resolve_model(load_settings(tmp_path, env, {}), {**env, "MISTRAL_API_KEY": "k" * 32}, None)
    assert (resolved.base_url, resolved.profile.id) == ("https://api.mistral.ai/v1", "devstral-latest")


def test_a_builtin_alias_on_another_endpoint_is_sent_as_written_and_free(tmp_path: Path) -> None:
    # The README's self-hosted example: `devstral` on a local server is the local server's model.
    env = {"VIBE_HOME": str(tmp_path), "VIBE_BASE_URL": "http://127.0.0.1:8080/v1"}
    resolved = resolve_model(load_settings(tmp_path, env, {}), env, None)
    profile = resolved.profile
    assert (profile.id, profile.input_price, profile.output_price, profile.context_window) == (
        "devstral",
        0.0,
        0.0,
        None,
    )


def test_an_alias_the_user_configured_holds_on_any_endpoint(tmp_path: Path) -> None:
    write(tmp_path / "config.toml", '[models.devstral]\nprovider = "mistral"\nid = "devstral-2512"\n')
    env = {"VIBE_HOME": str(tmp_path), "VIBE_BASE_URL": "http://127.0.0.1:8080/v1"}
    resolved = resolve_model(load_settings(tmp_path, env, {}), env, None)
    assert resolved.profile.id == "devstral-2512"


def test_provider_key_comes_from_its_named_variable(tmp_path: Path) -> None:
    write(
        tmp_path / "config.toml",
        '[providers.lab]\nbase_url = "http://127.0.0.1:9/v1"\napi_key_env = "LAB_KEY"\n'
        '[models.m]\nprovider = "lab"\nid = "lab-model"\ncontext_window = 4096\n',
    )
    env = {"VIBE_HOME": str(tmp_path), "LAB_KEY": "secret-lab-key"}
    resolved = resolve_model(load_settings(tmp_path, env, {"model": "m"}), env, None)
    assert (resolved.provider, resolved.api_key, resolved.profile.context_window) == (
        "lab",
        "secret-lab-key",
        4096,
    )


@pytest.mark.parametrize(
    "text,message",
    [
        ("model = [", "not valid TOML"),
        ("[limits]\nmax_turns = 'many'\n", "limits.max_turns"),
        ("unknown_key = 1\n", "unknown_key"),
        ('model = "m"\n[models.m]\nprovider = "ghost"\nid = "x"\n', "provider 'ghost'"),
    ],
)
def test_bad_config_says_what_and_where(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path / "config.toml", text)
    env = {"VIBE_HOME": str(tmp_path), "MISTRAL_API_KEY": "k" * 32}
    with pytest.raises(ConfigError, match=message):
        resolve_model(load_settings(tmp_path, env, {}), env, None)


def test_base_url_must_be_http(tmp_path: Path) -> None:
    env = {"VIBE_HOME": str(tmp_path)}
    with pytest.raises(ConfigError, match="http"):
        resolve_model(load_settings(tmp_path, env, {}), env, "ftp://example")


def test_agents_md_from_user_and_repo_root_down_to_cwd(tmp_path: Path, repo: Path) -> None:
    home = tmp_path / "home"
    write(home / "AGENTS.md", "user rule")
    write(repo / "AGENTS.md", "root rule")
    write(repo / "pkg" / "AGENTS.md", "pkg rule")
    write(repo / "other" / "AGENTS.md", "not on the path")
    cwd = repo / "pkg" / "sub"
    cwd.mkdir(parents=True)
    found = discover_instructions(cwd, home)
    assert [(i.source, i.text) for i in found] == [
        ("user AGENTS.md", "user rule"),
        ("AGENTS.md", "root rule"),
        ("pkg/AGENTS.md", "pkg rule"),
    ]


def test_git_co_author_is_unset_by_default_and_must_name_someone(tmp_path: Path) -> None:
    env = {"VIBE_HOME": str(tmp_path)}
    assert load_settings(tmp_path, env, {}).git.co_author is None
    write(tmp_path / "config.toml", '[git]\nco_author = "Vibe <vibe@example.com>"\n')
    assert load_settings(tmp_path, env, {}).git.co_author == "Vibe <vibe@example.com>"
    write(tmp_path / "config.toml", '[git]\nco_author = "just a name"\n')
    with pytest.raises(ConfigError, match="co_author"):
        load_settings(tmp_path, env, {})

"""Loads the settings layers from disk and environment, and resolves which endpoint to talk to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from vibe.config.mcp_servers import expand_user_servers
from vibe.config.paths import project_root, vibe_home
from vibe.config.project_layer import ProjectSplit, split_project
from vibe.config.settings import (
    BUILTIN,
    MISTRAL_API_URL,
    ConfigError,
    ModelProfile,
    Settings,
    build_settings,
    deep_merge,
    read_toml,
)
from vibe.config.trust import ProjectTrust, TrustStore, changes, fingerprint

__all__ = [
    "LoadedConfig",
    "NoEndpointError",
    "ResolvedModel",
    "load_config",
    "load_settings",
    "resolve_model",
]


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    settings: Settings
    # How the repository's `.vibe/` was treated: trusted, or which of its keys were ignored.
    trust: ProjectTrust


def load_config(
    cwd: Path, env: Mapping[str, str], flags: Mapping[str, Any], *, trust_for_run: bool = False
) -> LoadedConfig:
    """defaults < user < project (split by trust) < environment < flags.

    `trust_for_run`: trust the project's loosening keys for this run only (`vibe -p --trust`).
    `flags` may also hold the run's switches (`no_hooks`, `no_mcp`: no hooks, no MCP servers).
    """
    home = vibe_home(env)
    user_file = home / "config.toml"
    root = project_root(cwd)
    project_file = root / ".vibe" / "config.toml"
    # ${VAR} in MCP servers' settings is the user's to use, never a repository's.
    user_data = expand_user_servers(read_toml(user_file), env)
    project_data = read_toml(project_file) if project_file != user_file else {}
    if project_data:
        # The whole file is checked, trusted or not: a mistake in it is reported, not ignored.
        build_settings([(str(user_file), user_data), (str(project_file), project_data)])
    # What the project's values are compared with: every default, the built-ins, the user's file.
    below = deep_merge(deep_merge(Settings().model_dump(mode="json"), BUILTIN), user_data)
    split = split_project(project_data, below, user_data)
    trust = _judge_trust(root, home, project_data, split, trust_for_run)
    applied, rules = split.applied(trust.trusted)
    env_layer: dict[str, Any] = {}
    if env.get("VIBE_MODEL"):
        env_layer["model"] = env["VIBE_MODEL"]
    layers: list[tuple[str, Mapping[str, Any]]] = [
        (str(user_file), user_data),
        (str(project_file), applied),
        ("environment", env_layer),
        ("command line", {k: v for k, v in flags.items() if v not in (None, {}) and k not in RUN_SWITCHES}),
    ]
    settings = build_settings(
        layers,
        project_rules=tuple((str(project_file), rule) for rule in rules),
        keyless_providers=_redirected_providers(applied, below),
    )
    return LoadedConfig(_switched_off(settings, flags), trust)


# Flags that switch a feature off for one run whatever the config layers say.
RUN_SWITCHES = ("no_hooks", "no_mcp")


def _switched_off(settings: Settings, flags: Mapping[str, Any]) -> Settings:
    if flags.get("no_hooks"):
        settings = settings.model_copy(update={"hooks": ()})
    if flags.get("no_mcp"):
        settings = settings.model_copy(update={"mcp_servers": {}})
    return settings


def load_settings(cwd: Path, env: Mapping[str, str], flags: Mapping[str, Any]) -> Settings:
    return load_config(cwd, env, flags).settings


def _judge_trust(
    root: Path, home: Path, project: Mapping[str, Any], split: ProjectSplit, trust_for_run: bool
) -> ProjectTrust:
    current = fingerprint(root, project)
    ignored = (*split.loosening_keys, *(f"{path} (file)" for path in sorted(current.files)))
    judged = ProjectTrust(root=root, status="nothing", withheld=split.withheld_keys, fingerprint=current)
    if not ignored:
        return judged
    if trust_for_run:
        return replace(judged, status="run")
    record = TrustStore(home).get(root)
    if record is not None and record.digest == current.digest:
        return replace(judged, status="trusted")
    if record is None:
        return replace(judged, status="untrusted", ignored=ignored)
    return replace(
        judged, status="changed", ignored=ignored, changed=tuple(changes(record.fingerprint, current))
    )


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def _redirected_providers(project: Mapping[str, Any], base: Mapping[str, Any]) -> frozenset[str]:
    """Providers whose base URL the project set: their key stays home."""
    ours = _table(base, "providers")
    redirected: set[str] = set()
    for name, entry in _table(project, "providers").items():
        url = _table(project["providers"], name).get("base_url") if isinstance(entry, Mapping) else None
        if url is not None and url != _table(ours, name).get("base_url"):
            redirected.add(name)
    return frozenset(redirected)


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """Everything needed to reach one model: the endpoint, the key, and the model's profile."""

    name: str  # the alias the user chose, or the raw model id
    provider: str
    base_url: str
    api_key: str | None
    profile: ModelProfile


def _builtin_alias_elsewhere(name: str, profile: ModelProfile, base_url: str, provider_url: str) -> bool:
    """Whether a built-in alias, as built in (not configured by the user), is used on an
    endpoint other than its provider's own."""
    builtin = cast(dict[str, Any], BUILTIN["models"]).get(name)
    if builtin is None or profile != ModelProfile.model_validate(builtin):
        return False
    return base_url != provider_url.rstrip("/") and not _is_mistral_api(base_url)


def _is_mistral_api(base_url: str) -> bool:
    return urlsplit(base_url).hostname == urlsplit(MISTRAL_API_URL).hostname


class NoEndpointError(ConfigError):
    """Nothing to talk to: Mistral's API without a key, and no other endpoint given."""


def resolve_model(settings: Settings, env: Mapping[str, str], base_url_flag: str | None) -> ResolvedModel:
    name = settings.model
    profile = settings.models.get(name)
    if profile is None:
        # An id not configured as an alias: use it as-is on the default provider. Its context
        # window is asked of the endpoint (/models) and its price is unknown (counted as 0).
        default_provider = next(iter(settings.providers), "mistral")
        profile = ModelProfile(provider=default_provider, id=name)
    provider = settings.providers.get(profile.provider)
    if provider is None:
        raise ConfigError(
            f"model {name!r} names provider {profile.provider!r}, which is not configured; "
            f"add [providers.{profile.provider}] with a base_url to config.toml"
        )
    base_url = (base_url_flag or env.get("VIBE_BASE_URL") or provider.base_url).rstrip("/")
    if _builtin_alias_elsewhere(name, profile, base_url, provider.base_url):
        # `devstral` means Mistral's devstral-latest at Mistral's prices only at Mistral: a local
        # server given by URL gets the name as written, priced at zero, its window asked of it.
        profile = ModelProfile(provider=profile.provider, id=name)
    scheme = urlsplit(base_url).scheme
    if scheme not in ("http", "https"):
        raise ConfigError(f"base URL {base_url!r} must start with http:// or https://")
    key_env = provider.api_key_env
    # A URL the project chose gets no key; one the user gave on the command line or in the
    # environment does (it is the user's own choice).
    chosen_by_user = bool(base_url_flag or env.get("VIBE_BASE_URL"))
    may_send = chosen_by_user or settings.sends_key_to(profile.provider)
    api_key = env.get(key_env) if key_env and may_send else None
    if not api_key and _is_mistral_api(base_url):
        raise NoEndpointError(
            f"no API key: set {key_env or 'MISTRAL_API_KEY'} to your Mistral API key, "
            "or set VIBE_BASE_URL to a self-hosted endpoint (vLLM, llama.cpp, Ollama)"
        )
    return ResolvedModel(
        name=name, provider=profile.provider, base_url=base_url, api_key=api_key or None, profile=profile
    )

"""Loads the settings layers from disk and environment, and resolves which endpoint to talk to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from vibe.config.paths import project_root, vibe_home
from vibe.config.settings import (
    MISTRAL_API_URL,
    ConfigError,
    ModelProfile,
    Settings,
    build_settings,
    read_toml,
)


def load_settings(cwd: Path, env: Mapping[str, str], flags: Mapping[str, Any]) -> Settings:
    """defaults < user < project < environment < flags."""
    home = vibe_home(env)
    user_file = home / "config.toml"
    project_file = project_root(cwd) / ".vibe" / "config.toml"
    env_layer: dict[str, Any] = {}
    if env.get("VIBE_MODEL"):
        env_layer["model"] = env["VIBE_MODEL"]
    layers: list[tuple[str, Mapping[str, Any]]] = [
        (str(user_file), read_toml(user_file)),
        (str(project_file), read_toml(project_file) if project_file != user_file else {}),
        ("environment", env_layer),
        ("command line", {k: v for k, v in flags.items() if v not in (None, {})}),
    ]
    return build_settings(layers)


@dataclass(frozen=True, slots=True)
class ResolvedModel:
    """Everything needed to reach one model: the endpoint, the key, and the model's profile."""

    name: str  # the alias the user chose, or the raw model id
    provider: str
    base_url: str
    api_key: str | None
    profile: ModelProfile


def _is_mistral_api(base_url: str) -> bool:
    return urlsplit(base_url).hostname == urlsplit(MISTRAL_API_URL).hostname


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
    scheme = urlsplit(base_url).scheme
    if scheme not in ("http", "https"):
        raise ConfigError(f"base URL {base_url!r} must start with http:// or https://")
    key_env = provider.api_key_env
    api_key = env.get(key_env) if key_env else None
    if not api_key and _is_mistral_api(base_url):
        raise ConfigError(
            f"no API key: set {key_env or 'MISTRAL_API_KEY'} to your Mistral API key, "
            "or set VIBE_BASE_URL to a self-hosted endpoint (vLLM, llama.cpp, Ollama)"
        )
    return ResolvedModel(
        name=name, provider=profile.provider, base_url=base_url, api_key=api_key or None, profile=profile
    )

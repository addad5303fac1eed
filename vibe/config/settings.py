"""Settings: built-in defaults < user config < project config < environment < command-line flags.

Files are TOML (`$VIBE_HOME/config.toml`, `<repo>/.vibe/config.toml`); layers are merged key by
key, so a project can override one model's price without restating the provider.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from vibe.config.mcp_servers import McpServer, check_server_names
from vibe.config.permissions import CommandRule, PermissionsSettings

MISTRAL_API_URL = "https://api.mistral.ai/v1"


class ConfigError(Exception):
    """A user mistake in configuration: reported in one sentence, exit code 2."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Provider(_Strict):
    base_url: str
    # Name of the environment variable holding the key; the key itself never goes in a file.
    api_key_env: str | None = None
    # Wire dialect for reasoning sent back to the model.
    reasoning_format: Literal["mistral", "openai"] = "mistral"


class ModelProfile(_Strict):
    provider: str
    id: str
    context_window: int | None = None
    input_price: float = 0.0  # USD per million prompt tokens
    output_price: float = 0.0  # USD per million completion tokens
    temperature: float | None = None
    parallel_tool_calls: bool = True


class Limits(_Strict):
    max_turns: int | None = None
    max_tokens: int | None = None
    max_cost: float | None = None
    time_limit: float | None = None
    # Wall-clock seconds one tool call may run (searches, reads, MCP calls). `bash` is bounded by
    # its own `timeout_seconds` instead, which this never cuts short.
    tool_timeout: float = Field(default=120.0, gt=0)


class Network(_Strict):
    connect_timeout: float = 10.0
    idle_timeout: float = 60.0
    max_attempts: int = 6
    retry_base_delay: float = 0.5
    retry_max_delay: float = 20.0
    retry_budget: float = 120.0


PermissionMode = Literal["plan", "ask", "accept-edits", "auto"]
SandboxMode = Literal["read-only", "workspace-write", "full-access"]
SandboxPreference = Literal["require", "prefer", "off"]
OnAsk = Literal["deny", "fail"]


class Compaction(_Strict):
    """When a long conversation is made smaller to fit the model's context window."""

    auto: bool = True
    # Compact before a request that would fill more than this share of the window.
    threshold: float = Field(default=0.8, ge=0.2, le=0.95)
    # Share of the window kept word for word at the end of the conversation.
    keep_recent: float = Field(default=0.25, ge=0.05, le=0.5)


class SandboxSettings(_Strict):
    mode: SandboxMode = "workspace-write"
    # require: no command runs without a working sandbox; prefer: fall back, visibly, and then
    # every command asks; off: the user's explicit choice to run unconfined.
    use: SandboxPreference = "prefer"
    network: bool = False
    # Read-only inside the writable roots, relative to each. Narrowing `.git` to `.git/hooks` and
    # `.git/config` lets confined commands commit, but git then reads other files in `.git` the
    # sandboxed command could plant (see README): a trade-off for the user to make knowingly.
    protected: tuple[str, ...] = (".git", ".vibe")
    # Environment variables confined commands keep although they look secret or lead out of the
    # sandbox (names or globs, e.g. "NPM_TOKEN" or "AWS_*"); everything else of that kind is
    # withheld (vibe.config.secrets).
    env_passthrough: tuple[str, ...] = ()


class TuiSettings(_Strict):
    # Ring the terminal when a turn ends or an approval is needed while it is not in focus.
    notify: bool = True


class LocalServers(_Strict):
    # Loopback ports asked for a chat-completions server when no endpoint is configured:
    # Ollama, llama.cpp, vLLM, LM Studio. Only 127.0.0.1 is ever asked.
    ports: tuple[int, ...] = (11434, 8080, 8000, 1234)


class Settings(_Strict):
    model: str = "devstral"
    permission_mode: PermissionMode = "accept-edits"
    providers: dict[str, Provider] = Field(default_factory=dict[str, Provider])
    models: dict[str, ModelProfile] = Field(default_factory=dict[str, ModelProfile])
    limits: Limits = Limits()
    network: Network = Network()
    sandbox: SandboxSettings = SandboxSettings()
    compaction: Compaction = Compaction()
    local: LocalServers = LocalServers()
    tui: TuiSettings = TuiSettings()
    permissions: PermissionsSettings = PermissionsSettings()
    mcp_servers: dict[str, McpServer] = Field(default_factory=dict[str, McpServer])
    # Headless: what a call that would ask the user becomes (deny, or fail the run with exit 4).
    on_ask: OnAsk = "deny"
    # Set by the loader, never from a file (private attributes cannot be given as input): the
    # providers whose base URL a project chose, to which no key is sent.
    _keyless_providers: frozenset[str] = PrivateAttr(default=frozenset())

    @field_validator("mcp_servers")
    @classmethod
    def _server_names(cls, servers: dict[str, McpServer]) -> dict[str, McpServer]:
        check_server_names(servers)
        return servers

    def with_project_layer(
        self, rules: tuple[CommandRule, ...], keyless_providers: frozenset[str]
    ) -> Settings:
        """This settings object with the project's command rules (a layer below the user's
        rules) and the providers whose key must stay home."""
        copy = self.model_copy(update={"permissions": self.permissions.with_project_commands(rules)})
        copy._keyless_providers = keyless_providers
        return copy

    def sends_key_to(self, provider: str) -> bool:
        """Whether the key of `provider` may be sent to its configured base URL: not when a
        project chose that URL (see vibe.config.project_layer)."""
        return provider not in self._keyless_providers


BUILTIN: dict[str, Any] = {
    "providers": {
        "mistral": {"base_url": MISTRAL_API_URL, "api_key_env": "MISTRAL_API_KEY"},
    },
    "models": {
        "devstral": {
            "provider": "mistral",
            "id": "devstral-latest",
            "context_window": 262144,
            "input_price": 0.4,
            "output_price": 2.0,
        },
        "devstral-small": {
            "provider": "mistral",
            "id": "devstral-small-latest",
            "context_window": 262144,
            "input_price": 0.1,
            "output_price": 0.3,
        },
        "codestral": {
            "provider": "mistral",
            "id": "codestral-latest",
            "context_window": 262144,
            "input_price": 0.3,
            "output_price": 0.9,
        },
        "mistral-medium": {
            "provider": "mistral",
            "id": "mistral-medium-latest",
            "context_window": 262144,
            "input_price": 1.5,
            "output_price": 7.5,
        },
    },
}


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)  # pyright: ignore[reportUnknownArgumentType]
        else:
            merged[key] = value
    return merged


def read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc


def _layer_rules(data: Mapping[str, Any]) -> list[Any]:
    permissions = data.get("permissions")
    if not isinstance(permissions, Mapping):
        return []
    rules = cast(Mapping[str, Any], permissions).get("commands")
    return list(cast(list[Any], rules)) if isinstance(rules, list) else []


def build_settings(
    layers: list[tuple[str, Mapping[str, Any]]],
    project_rules: tuple[tuple[str, Any], ...] = (),
    keyless_providers: frozenset[str] = frozenset(),
) -> Settings:
    """Merge (source name, data) layers in order over the built-ins and validate the result.

    `project_rules`: (source name, rule data) of the project's command rules, a layer of their own.
    """
    merged: dict[str, Any] = deep_merge({}, BUILTIN)
    command_rules: list[Any] = []
    for _source, data in layers:
        merged = deep_merge(merged, data)
        command_rules = _layer_rules(data) + command_rules
    if command_rules:
        # Rules add up across layers (later layers listed first) instead of replacing each other:
        # a project's rules must not silently drop the user's own denials.
        merged["permissions"] = {**merged.get("permissions", {}), "commands": command_rules}
    try:
        settings = Settings.model_validate(merged)
    except ValidationError as exc:
        sources = ", ".join(name for name, data in layers if data) or "defaults"
        raise ConfigError(f"invalid setting {_where(exc)} in {sources}") from exc
    rules: list[CommandRule] = []
    for source, rule in project_rules:
        try:
            rules.append(CommandRule.model_validate(rule))
        except ValidationError as exc:
            raise ConfigError(f"invalid setting 'permissions.commands' {_where(exc)} in {source}") from exc
    return settings.with_project_layer(tuple(rules), keyless_providers)


def _where(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where!r} ({first['msg']})"

"""Choosing a local server for a run: `--local` (the only one found), `--local URL`, or, when
nothing is configured, a message naming what was found and how to choose (headless), or the
servers' models for the user to pick from (the TUI: `LocalChoiceRequiredError`).

A discovered server is never used unasked: on a shared machine a loopback port may be another
user's, and the prompt and the repository's code would go to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from vibe.config.loader import LoadedConfig, NoEndpointError, ResolvedModel, resolve_model
from vibe.config.settings import ConfigError, Settings
from vibe.model.discovery import LocalServer, discover_now, models_at

AUTO = "auto"  # `--local` without a URL


@dataclass(frozen=True, slots=True)
class LocalPick:
    """A local server's model the user chose (`--local`, or the TUI's picker)."""

    base_url: str
    model: str


class LocalChoiceRequiredError(ConfigError):
    """Local servers answer but which model to use is the user's choice: the message says so
    (for a frontend that cannot ask), `servers` is what to offer (for one that can)."""

    def __init__(self, message: str, servers: list[LocalServer]) -> None:
        super().__init__(message)
        self.servers = servers


def resolve_endpoint(
    config: LoadedConfig,
    env: Mapping[str, str],
    base_url_flag: str | None,
    local: str | None,
    model_flag: str | None,
) -> tuple[LoadedConfig, ResolvedModel]:
    """The model and endpoint of a run: the configured ones, or with `--local [URL]` a local
    server's. Raises ConfigError; with nothing configured, or a `--local` that does not say
    which model, LocalChoiceRequiredError (a ConfigError) naming the local servers found."""
    if local is not None:
        return use_local(config, env, local_choice(local, config.settings, env, model_flag))
    try:
        return config, resolve_model(config.settings, env, base_url_flag)
    except NoEndpointError as exc:
        servers = discover_now(config.settings.local.ports)
        raise LocalChoiceRequiredError(no_endpoint_message(str(exc), servers), servers) from exc


def use_local(
    config: LoadedConfig, env: Mapping[str, str], pick: LocalPick
) -> tuple[LoadedConfig, ResolvedModel]:
    """The settings and endpoint for a local server's model the user chose."""
    config = replace(config, settings=config.settings.model_copy(update={"model": pick.model}))
    resolved = resolve_model(config.settings, env, pick.base_url)
    # A loopback port may be another user's server: no key of the user's goes to it.
    return config, replace(resolved, api_key=None)


def local_choice(
    wanted: str, settings: Settings, env: Mapping[str, str], model_flag: str | None
) -> LocalPick:
    """The server and model for `--local [URL]`; LocalChoiceRequiredError when the choice is not
    clear, ConfigError when there is nothing to choose from."""
    if wanted == AUTO:
        servers = discover_now(settings.local.ports)
        if not servers:
            raise ConfigError(
                f"--local: no local server answers on 127.0.0.1 ({_ports(settings.local.ports)})"
            )
        if len(servers) > 1:
            found = "; ".join(server.describe() for server in servers)
            raise LocalChoiceRequiredError(
                f"--local: more than one local server answers ({found}); choose with --local URL", servers
            )
        server = servers[0]
    else:
        server = _server_at(wanted.rstrip("/"))
    return LocalPick(server.base_url, _model_on(server, model_flag or env.get("VIBE_MODEL")))


def _server_at(url: str) -> LocalServer:
    import httpx

    try:
        models = models_at(url)
    except (httpx.HTTPError, ValueError) as exc:
        raise ConfigError(f"--local {url}: no chat-completions server answers there ({exc})") from exc
    if models is None:
        raise ConfigError(f"--local {url}: what answers there is not a chat-completions server")
    return LocalServer(url, "the server", tuple(models))


def _model_on(server: LocalServer, wanted: str | None) -> str:
    if wanted:
        return wanted  # the user named it: sent as written (the server may know more than it lists)
    if len(server.models) == 1:
        return server.models[0]
    if not server.models:
        raise ConfigError(f"--local: {server.describe()}; name the model with --model")
    raise LocalChoiceRequiredError(f"--local: {server.describe()}; choose one with --model", [server])


def no_endpoint_message(error: str, servers: Sequence[LocalServer]) -> str:
    """The "no key" error, with the local servers that answer and how to use one."""
    if not servers:
        return error
    found = "; ".join(server.describe() for server in servers)
    return f"{error}. Found on this machine: {found}. To use it: vibe --local (or --local URL) --model NAME"


def _ports(ports: Sequence[int]) -> str:
    return "ports " + ", ".join(str(port) for port in ports)

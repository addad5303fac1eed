"""Choosing a local server for a run: `--local` (the only one found), `--local URL`, or, when
nothing is configured, a message naming what was found and how to choose.

A discovered server is never used unasked: on a shared machine a loopback port may be another
user's, and the prompt and the repository's code would go to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from vibe.config.loader import LoadedConfig, NoEndpointError, ResolvedModel, resolve_model
from vibe.config.settings import ConfigError, Settings
from vibe.model.discovery import LocalServer, discover_now, models_at

AUTO = "auto"  # `--local` without a URL


def resolve_endpoint(
    config: LoadedConfig,
    env: Mapping[str, str],
    base_url_flag: str | None,
    local: str | None,
    model_flag: str | None,
) -> tuple[LoadedConfig, ResolvedModel]:
    """The model and endpoint of a run: the configured ones, or with `--local [URL]` a local
    server's. Raises ConfigError; with nothing configured, it names the local servers found."""
    base_url = base_url_flag
    if local is not None:
        base_url, model = local_choice(local, config.settings, env, model_flag)
        config = replace(config, settings=config.settings.model_copy(update={"model": model}))
    try:
        resolved = resolve_model(config.settings, env, base_url)
    except NoEndpointError as exc:
        raise ConfigError(no_endpoint_message(str(exc), config.settings.local.ports)) from exc
    if local is not None:
        # A loopback port may be another user's server: no key of the user's goes to it.
        resolved = replace(resolved, api_key=None)
    return config, resolved


def local_choice(
    wanted: str, settings: Settings, env: Mapping[str, str], model_flag: str | None
) -> tuple[str, str]:
    """(base URL, model id) for `--local [URL]`; ConfigError when the choice is not clear."""
    if wanted == AUTO:
        servers = discover_now(settings.local.ports)
        if not servers:
            raise ConfigError(
                f"--local: no local server answers on 127.0.0.1 ({_ports(settings.local.ports)})"
            )
        if len(servers) > 1:
            found = "; ".join(server.describe() for server in servers)
            raise ConfigError(
                f"--local: more than one local server answers ({found}); choose with --local URL"
            )
        server = servers[0]
    else:
        server = _server_at(wanted.rstrip("/"))
    return server.base_url, _model_on(server, model_flag or env.get("VIBE_MODEL"))


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
    raise ConfigError(f"--local: {server.describe()}; choose one with --model")


def no_endpoint_message(error: str, ports: Sequence[int]) -> str:
    """The "no key" error, with the local servers that answer and how to use one."""
    servers = discover_now(ports)
    if not servers:
        return error
    found = "; ".join(server.describe() for server in servers)
    return f"{error}. Found on this machine: {found}. To use it: vibe --local (or --local URL) --model NAME"


def _ports(ports: Sequence[int]) -> str:
    return "ports " + ", ".join(str(port) for port in ports)

"""Which endpoint the terminal UI talks to: the configured one, a local server given with
`--local [URL]`, or, with nothing configured, a local server's model the user picks in the TUI.

Kept apart from the TUI's backend so that the one rule here stays in one place: a server found on
a loopback port is only used once the user has chosen it (`--local`, or the picker), and never
gets the user's key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from vibe.composition.engine import Engine
from vibe.composition.local_servers import LocalPick, resolve_endpoint, use_local
from vibe.config.loader import load_config
from vibe.model.discovery import LocalServer
from vibe.tui.backend import LocalModel


def load_engine(
    cwd: Path,
    env: Mapping[str, str],
    flags: Mapping[str, object],
    base_url_flag: str | None,
    local: str | LocalPick | None,
    model_flag: str | None,
) -> tuple[Engine, LocalPick | None]:
    """The engine, and the local server's model in use if one is (`local`: the `--local` flag's
    value, or what the user picked). Raises ConfigError; LocalChoiceRequiredError when local servers
    answer and the user has to choose."""
    config = load_config(cwd, env, flags)
    if isinstance(local, LocalPick):
        config, resolved = use_local(config, env, local)
        return Engine.for_model(config, resolved, env), local
    config, resolved = resolve_endpoint(config, env, base_url_flag, local, model_flag)
    pick = LocalPick(resolved.base_url, resolved.name) if local is not None else None
    return Engine.for_model(config, resolved, env), pick


def offers(servers: list[LocalServer]) -> list[LocalModel]:
    """Every model the servers list, server by server (a server listing none offers nothing:
    there would be no model to name)."""
    return [LocalModel(server.name, server.base_url, model) for server in servers for model in server.models]

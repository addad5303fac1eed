"""`vibe models`: the models vibe can use — configured aliases and what local servers serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from vibe.config.loader import load_settings
from vibe.config.settings import ConfigError
from vibe.model.discovery import discover_now
from vibe.unicode_text import for_terminal, json_for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    parser = argparse.ArgumentParser(
        prog="vibe models",
        description="Configured models, and the models of local servers answering on 127.0.0.1.",
    )
    parser.add_argument("--output", choices=["text", "json"], default="text")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(cwd, env, {})
    except ConfigError as exc:
        print(for_terminal(f"vibe models: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    configured = [
        {
            "name": name,
            "provider": profile.provider,
            "id": profile.id,
            "base_url": settings.providers[profile.provider].base_url
            if profile.provider in settings.providers
            else None,
            "default": name == settings.model,
        }
        for name, profile in settings.models.items()
    ]
    servers = discover_now(settings.local.ports)
    if args.output == "json":
        local = [
            {"server": server.name, "base_url": server.base_url, "models": list(server.models)}
            for server in servers
        ]
        print(json_for_terminal(json.dumps({"configured": configured, "local": local}, indent=2)))
        return 0
    lines = ["Configured:"]
    for model in configured:
        mark = "*" if model["default"] else " "
        lines.append(f" {mark} {model['name']}  ({model['id']} at {model['base_url']})")
    if servers:
        lines.append("Local servers (use one with: vibe -p ... --local [URL] --model NAME):")
        lines += [f"  {server.describe()}" for server in servers]
    else:
        ports = ", ".join(str(port) for port in settings.local.ports)
        lines.append(f"No local server answers on 127.0.0.1 (ports {ports}; [local] ports adds others).")
    print(for_terminal("\n".join(lines)))
    return 0

"""Command-line flags as the top settings layer (defaults < user < project < environment < flags)."""

from __future__ import annotations

import argparse
from typing import Any


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}


def settings_flags(args: argparse.Namespace) -> dict[str, Any]:
    """Only flags the user actually gave, so config files keep their say over everything else."""
    get = vars(args).get
    return _present(
        {
            "model": get("model"),
            "permission_mode": get("permission_mode"),
            "on_ask": get("on_ask"),
            # Run switches (vibe.config.loader.RUN_SWITCHES), only when given.
            "no_hooks": get("no_hooks") or None,
            "no_mcp": get("no_mcp") or None,
            "limits": _present(
                {
                    "max_turns": get("max_turns"),
                    "max_tokens": get("max_tokens"),
                    "max_cost": get("max_cost"),
                    "time_limit": get("time_limit"),
                }
            ),
            "sandbox": _present(
                {
                    "use": get("sandbox"),
                    "mode": get("sandbox_mode"),
                    "network": True if get("allow_network") else None,
                }
            ),
        }
    )

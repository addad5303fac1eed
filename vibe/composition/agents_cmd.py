"""`vibe agents list [--output text|json]`: the custom agents this folder's runs can work as
(`--agent`, /agent, the editor's `agent` option) and name in a task: built-in, the user's and
the repository's, each with where it comes from, what it may do, and every broken agent file
with the one sentence that says why."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from vibe.composition.custom_agents import agent_catalog
from vibe.composition.logging_setup import setup_logging
from vibe.config.loader import load_config
from vibe.config.paths import vibe_home
from vibe.config.settings import ConfigError
from vibe.extensions.agents import AgentCatalog, AgentDefinition
from vibe.unicode_text import for_terminal, json_for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vibe agents", description="The custom agents vibe finds here.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="list")
    listing = actions.add_parser("list", help="each agent: origin, path, description, mode, tools")
    listing.add_argument("--output", choices=["text", "json"], default="text")
    return parser


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(vibe_home(env))
    try:
        config = load_config(cwd.resolve(), env, {})
    except ConfigError as exc:
        print(for_terminal(f"vibe agents: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    catalog = agent_catalog(config, vibe_home(env))
    note = None
    if config.trust.needs_decision:
        note = f"{config.trust.root} is not trusted: its agents are ignored (see `vibe trust`)."
    if args.output == "json":
        print(json_for_terminal(json.dumps(_document(catalog, note), ensure_ascii=False, indent=2)))
    else:
        print(for_terminal(_text(catalog, note)))
    return 0


def _entry(agent: AgentDefinition) -> dict[str, object]:
    return {
        "name": agent.name,
        "origin": agent.origin,
        "path": str(agent.path) if agent.path is not None else None,
        "description": agent.description,
        # The stricter of this and the user's mode applies (None: the user's).
        "permission_mode": agent.permission_mode,
        "tools": list(agent.tools) if agent.tools is not None else None,
        "model": agent.model,
        "max_turns": agent.max_turns,
    }


def _document(catalog: AgentCatalog, note: str | None) -> dict[str, object]:
    return {
        "agents": [_entry(agent) for agent in catalog.agents.values()],
        "broken": [
            {"path": str(path), "error": error}
            for path, error in zip(catalog.problem_files, catalog.problems, strict=True)
        ],
        "note": note,
    }


def _text(catalog: AgentCatalog, note: str | None) -> str:
    lines: list[str] = []
    for agent in catalog.agents.values():
        lines.append(f"{agent.name}  [{agent.origin}]  {agent.path or '(built in)'}")
        lines.append(f"    {agent.description}")
        mode = agent.permission_mode or "the user's"
        tools = ", ".join(agent.tools) if agent.tools is not None else "all"
        extra = f"; model {agent.model}" if agent.model else ""
        lines.append(f"    mode at most: {mode}; tools: {tools}{extra}")
    lines.extend(f"broken: {problem}" for problem in catalog.problems)
    if note:
        lines.append(note)
    return "\n".join(lines)

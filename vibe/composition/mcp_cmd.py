"""`vibe mcp`: list the configured MCP servers (started for a moment to see their tools), add
one to the user's config, remove one. The config is edited in place, keeping its comments."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vibe.composition.engine import sandbox_policy
from vibe.composition.logging_setup import setup_logging
from vibe.composition.mcp_sources import add_mcp_sources
from vibe.config.loader import LoadedConfig, load_config
from vibe.config.mcp_servers import McpServer, check_server_names
from vibe.config.paths import vibe_home
from vibe.config.settings import ConfigError
from vibe.config.toml_edit import remove_mcp_server, set_mcp_server
from vibe.tools.base import ToolRegistry
from vibe.tools.workspace import Workspace
from vibe.unicode_text import for_terminal

if TYPE_CHECKING:
    from vibe.tools.source_status import ServerStatus

__all__ = ["main"]

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vibe mcp", description="Manage the MCP servers whose tools vibe offers."
    )
    commands = parser.add_subparsers(dest="action", required=True)
    commands.add_parser("list", help="start each configured server briefly and show its state and tools")
    add = commands.add_parser(
        "add",
        help="add a server to your config",
        usage="vibe mcp add NAME [--env K=V ...] [--network] -- COMMAND [ARGS ...]\n"
        "       vibe mcp add NAME --url URL",
    )
    add.add_argument("name")
    add.add_argument("--url", help="a streamable-HTTP server's URL instead of a command")
    add.add_argument("--env", action="append", default=[], metavar="K=V", help="environment for the server")
    add.add_argument(
        "--network", action="store_true", help="let the (stdio) server's sandbox use the network"
    )
    remove = commands.add_parser("remove", help="remove a server from your config")
    remove.add_argument("name")
    return parser


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    # The server's command goes after `--` and is split off first: its own options are not ours.
    command: list[str] = []
    if "--" in argv:
        at = argv.index("--")
        argv, command = argv[:at], argv[at + 1 :]
    args = build_parser().parse_args(argv)
    args.command = command
    setup_logging(vibe_home(env))  # a server's failure is shown here, and its details logged
    config_file = vibe_home(env) / "config.toml"
    try:
        if args.action == "add":
            return _add(args, config_file)
        if args.action == "remove":
            if not remove_mcp_server(config_file, args.name):
                return _fail(f"no MCP server {args.name!r} in {config_file}")
            print(f"removed MCP server {args.name!r} from {config_file}")
            return 0
        return asyncio.run(_list(load_config(cwd, env, {}), env, Workspace.create(cwd.resolve())))
    except (ConfigError, ValueError) as exc:
        return _fail(str(exc))


def _fail(message: str) -> int:
    print(for_terminal(f"vibe mcp: {message}"), file=sys.stderr)
    return USAGE_ERROR


def _add(args: argparse.Namespace, config_file: Path) -> int:
    command: list[str] = args.command
    entry: dict[str, Any] = {}
    if args.url and command:
        return _fail("give either --url or a command after --, not both")
    if args.url:
        entry["url"] = args.url
    elif command:
        entry["command"] = command[0]
        if command[1:]:
            entry["args"] = command[1:]
        if args.network:
            entry["network"] = True
    else:
        return _fail("give a command after -- (stdio) or --url URL (HTTP)")
    if args.env:
        pairs = [item.partition("=") for item in args.env]
        if any(not sep for _key, sep, _value in pairs):
            return _fail("--env takes K=V")
        entry["env"] = {key: value for key, _sep, value in pairs}
    server = McpServer.model_validate(entry)  # a mistake is reported before the file changes
    check_server_names({args.name: server})
    set_mcp_server(config_file, args.name, entry)
    print(f"added MCP server {args.name!r} ({server.transport}) to {config_file}")
    return 0


async def _list(config: LoadedConfig, env: Mapping[str, str], workspace: Workspace) -> int:
    settings = config.settings
    ignored = [key for key in config.trust.ignored if key.startswith("mcp_servers.")]
    if not settings.mcp_servers and not ignored:
        print("no MCP servers configured (add one: vibe mcp add NAME -- COMMAND ARGS...)")
        return 0
    registry = ToolRegistry()
    policy = sandbox_policy(settings, workspace)
    sources = add_mcp_sources(registry, settings, workspace, vibe_home(env), policy)
    try:
        await registry.start()
        await registry.wait_settled()
        lines: list[str] = []
        for name, server in settings.mcp_servers.items():
            if not server.enabled:
                lines.append(f"{name} ({server.transport}): disabled")
        for source in sources:
            lines += _describe(source.status())
        all_ready = all(source.status().state == "ready" for source in sources)
    finally:
        await registry.aclose()
    if ignored:
        lines.append(f"not started: this folder is not trusted for its .vibe/ ({', '.join(ignored)})")
    print(for_terminal("\n".join(lines)))
    return 0 if all_ready else 1


def _describe(status: ServerStatus) -> list[str]:
    lines = [f"{status.name} ({status.transport}): {status.state}"]
    if status.error:
        lines.append(f"  error: {status.error}")
    if status.confinement:
        lines.append(f"  confinement: {status.confinement}")
    if status.tools:
        lines.append(f"  tools: {', '.join(status.tools)}")
    lines += [f"  left out: {why}" for why in status.skipped]
    return lines

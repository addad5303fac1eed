"""`vibe sandbox`: run a command under the agent's confinement, or show what is enforced."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from vibe.composition.engine import build_sandbox, sandbox_policy
from vibe.composition.flags import settings_flags
from vibe.config.loader import load_settings
from vibe.config.settings import ConfigError
from vibe.sandbox.base import SandboxUnavailableError
from vibe.sandbox.commands import run_sandboxed, status_text
from vibe.tools.workspace import Workspace
from vibe.unicode_text import for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vibe sandbox",
        description="Run COMMAND confined exactly as the agent's shell commands are, "
        "or show what the sandbox enforces on this machine.",
        usage="vibe sandbox [--status] [--mode MODE] [--allow-network] [--sandbox USE] [-- COMMAND ...]",
    )
    parser.add_argument("--status", action="store_true", help="describe the sandbox in force and exit")
    parser.add_argument(
        "--mode",
        dest="sandbox_mode",
        choices=["read-only", "workspace-write", "full-access"],
        help="what the command may write (default from config: workspace-write)",
    )
    parser.add_argument("--allow-network", action="store_true", help="let the command use the network")
    parser.add_argument(
        "--sandbox",
        choices=["require", "prefer", "off"],
        help="require: refuse to run unconfined; prefer (default): fall back with a warning; off",
    )
    parser.add_argument("--add-dir", action="append", type=Path, default=[], metavar="DIR")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    return parser


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not args.status and not command:
        parser.print_usage(sys.stderr)
        print("vibe sandbox: give a command after --, or --status", file=sys.stderr)
        return USAGE_ERROR
    try:
        settings = load_settings(cwd, env, settings_flags(args))
    except ConfigError as exc:
        print(for_terminal(f"vibe sandbox: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    workspace = Workspace.create(cwd.resolve(), tuple(args.add_dir))
    if args.status:
        try:
            report = build_sandbox(settings, workspace).report
        except SandboxUnavailableError as exc:
            print(for_terminal(f"vibe sandbox: {exc}"), file=sys.stderr)
            return 1
        print(for_terminal(status_text(report)))
        return 0
    return run_sandboxed(command, workspace.cwd, sandbox_policy(settings, workspace), settings.sandbox.use)

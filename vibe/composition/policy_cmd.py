"""`vibe policy check "COMMAND"`: what the agent's policy would decide for a shell command, and why."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from vibe.composition.engine import build_sandbox
from vibe.composition.flags import settings_flags
from vibe.config.loader import load_settings
from vibe.config.settings import ConfigError
from vibe.policy.explain import EXIT_CODES, explain_command
from vibe.sandbox.base import SandboxUnavailableError
from vibe.tools.workspace import Workspace
from vibe.unicode_text import for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vibe policy",
        description="Test permission rules: print the decision for a shell command, part by part, "
        "and the rule that made it. Exit code: 0 allow, 10 ask, 11 deny, 2 bad config.",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="check")
    check = actions.add_parser("check", help='decide a command: vibe policy check "git status && rm -rf x"')
    check.add_argument("shell_command", metavar="COMMAND", help="the command line, quoted")
    check.add_argument(
        "--permission-mode",
        "--mode",
        dest="permission_mode",
        choices=["plan", "ask", "accept-edits", "auto"],
        help="judge as in this permission mode (default from config)",
    )
    check.add_argument("--sandbox", choices=["require", "prefer", "off"], help="as with vibe -p")
    return parser


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings(cwd, env, settings_flags(args))
        sandbox = build_sandbox(settings, Workspace.create(cwd.resolve()))
        action, text = explain_command(
            args.shell_command,
            settings.permissions,
            settings.permission_mode,
            sandbox_confined=sandbox.report.confined,
        )
    except (ConfigError, SandboxUnavailableError) as exc:
        print(for_terminal(f"vibe policy: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    print(for_terminal(text))
    return EXIT_CODES[action]

"""`vibe trust`: let a repository's `.vibe/` loosen vibe, for the content it has now.

    vibe trust [PATH]          trust the project folder of PATH (default: here), showing what
    vibe trust --list          trusted folders, and whether their content changed since
    vibe trust --revoke PATH   forget a folder

Trust is the user's decision about one folder's content; it lives in `$VIBE_HOME/trust.json`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

from vibe.config.paths import project_root, vibe_home
from vibe.config.settings import ConfigError, read_toml
from vibe.config.trust import TrustStore, changes, fingerprint
from vibe.unicode_text import for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vibe trust",
        description="Trust a repository's .vibe/ settings (sandbox, allow rules, providers, and the agents, "
        "commands, skills and hooks it ships) for their current content. A later change voids the trust "
        "until you run this again.",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--list", action="store_true", help="list trusted folders and whether they changed")
    group.add_argument("--revoke", metavar="PATH", type=Path, help="stop trusting the folder of PATH")
    parser.add_argument("path", nargs="?", type=Path, help="a folder of the repository (default: here)")
    return parser


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.list:
            print(for_terminal(list_text(env)))
        elif args.revoke is not None:
            return _revoke(_project(cwd / args.revoke), env)
        else:
            print(for_terminal(trust_folder(_project(cwd / (args.path or Path()))[0], env)))
    except ConfigError as exc:
        print(for_terminal(f"vibe trust: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:
        raise  # the reader went away: the CLI ends quietly
    except OSError as exc:
        print(
            for_terminal(f"vibe trust: cannot write {exc.filename or vibe_home(env)}: {exc.strerror or exc}"),
            file=sys.stderr,
        )
        return 1
    return 0


def _project(path: Path) -> tuple[Path, bool]:
    """The project root of `path`, and whether `path` exists."""
    if not path.exists():
        return path.absolute(), False
    return project_root(path.resolve()), True


def trust_folder(folder: Path, env: Mapping[str, str]) -> str:
    """Trusts the project folder of `folder` for its current content; says what was trusted.
    Raises ConfigError for a missing folder or a config file that is not valid TOML."""
    root, exists = _project(folder)
    if not exists:
        raise ConfigError(f"{folder}: no such folder")
    current = fingerprint(root, read_toml(root / ".vibe" / "config.toml"))
    store = TrustStore(vibe_home(env))
    previous = store.get(root)
    store.trust(root, current)
    if current.empty:
        return f"Trusted {root}. Its .vibe/ asks for nothing that needs trust today."
    lines = [f"Trusted {root} for its current content:"]
    if previous is not None and previous.digest != current.digest:
        lines += [f"  {line}" for line in changes(previous.fingerprint, current)]
    else:
        lines += [f"  {line}" for line in current.lines()]
    lines.append("A change to any of it voids the trust until you trust the folder again.")
    return "\n".join(lines)


def list_text(env: Mapping[str, str]) -> str:
    records = TrustStore(vibe_home(env)).records()
    if not records:
        return "No trusted folders."
    lines: list[str] = []
    for record in records:
        root = Path(record.path)
        if not root.is_dir():
            state = "folder no longer exists"
        else:
            try:
                current = fingerprint(root, read_toml(root / ".vibe" / "config.toml"))
            except ConfigError:
                current = None
            if current is None:
                state = "changed since (its config is not valid TOML)"
            elif current.digest == record.digest:
                state = "trusted"
            else:
                state = "changed since, so not trusted: " + "; ".join(changes(record.fingerprint, current))
        lines.append(f"{record.path}  (since {record.trusted_at}): {state}")
    return "\n".join(lines)


def _revoke(project: tuple[Path, bool], env: Mapping[str, str]) -> int:
    root, _ = project
    if TrustStore(vibe_home(env)).revoke(root):
        print(for_terminal(f"No longer trusted: {root}"))
        return 0
    print(for_terminal(f"vibe trust: {root} was not trusted"), file=sys.stderr)
    return 1

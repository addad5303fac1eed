"""The shape every `vibe KIND list [--output text|json]` command shares: its arguments, the
settings read for this folder (a broken config file is one sentence and exit 2), a note when
the folder's own definitions are left out because it is not trusted, and the listing printed
as text or JSON. Each command says what it lists (`Listing`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from vibe.composition.logging_setup import setup_logging
from vibe.config.loader import LoadedConfig, load_config
from vibe.config.paths import vibe_home
from vibe.config.settings import ConfigError
from vibe.unicode_text import for_terminal, json_for_terminal

__all__ = ["USAGE_ERROR", "Listing", "run_listing"]

USAGE_ERROR = 2

_Found = TypeVar("_Found")


@dataclass(frozen=True)
class Listing(Generic[_Found]):
    kind: str  # "agents": the command is `vibe agents list`
    description: str
    list_help: str
    # What happens to an untrusted folder's own definitions ("its agents are ignored").
    untrusted: str
    find: Callable[[LoadedConfig, Mapping[str, str]], _Found]
    document: Callable[[_Found, str | None], dict[str, object]]
    text: Callable[[_Found, str | None], str]


def run_listing(listing: Listing[_Found], argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = _parser(listing).parse_args(argv)
    setup_logging(vibe_home(env))  # broken definition files are logged there, not printed here
    try:
        config = load_config(cwd.resolve(), env, {})
    except ConfigError as exc:
        print(for_terminal(f"vibe {listing.kind}: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    found = listing.find(config, env)
    note = None
    if config.trust.needs_decision:
        note = f"{config.trust.root} is not trusted: {listing.untrusted} (see `vibe trust`)."
    if args.output == "json":
        print(json_for_terminal(json.dumps(listing.document(found, note), ensure_ascii=False, indent=2)))
    else:
        print(for_terminal(listing.text(found, note)))
    return 0


def _parser(listing: Listing[_Found]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"vibe {listing.kind}", description=listing.description)
    actions = parser.add_subparsers(dest="action", required=True, metavar="list")
    actions.add_parser("list", help=listing.list_help).add_argument(
        "--output", choices=["text", "json"], default="text"
    )
    return parser

"""`vibe sessions list | show ID | export ID --format markdown|html|json`: saved sessions as
a list, and one of them as a document to read or attach to a pull request or a bug report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from vibe.config.paths import vibe_home
from vibe.session.listing import NEWER_FORMAT, shortened, summarise
from vibe.session.store import SessionFormatError, SessionInfo, SessionNotFoundError, SessionStore
from vibe.session.transcript import Transcript, as_json, read_transcript
from vibe.session.transcript_render import as_html, as_markdown
from vibe.unicode_text import for_terminal, json_for_terminal

__all__ = ["main"]

USAGE_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vibe sessions", description="Saved sessions: list, read, export.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="list|show|export")
    listing = actions.add_parser("list", help="this folder's sessions, newest first (--all: every folder's)")
    listing.add_argument("--all", action="store_true", help="sessions of every folder")
    listing.add_argument("--output", choices=["text", "json"], default="text")
    show = actions.add_parser("show", help="one session, readable, on the terminal")
    show.add_argument("session_id", metavar="ID")
    export = actions.add_parser("export", help="one session as a document on stdout")
    export.add_argument("session_id", metavar="ID")
    export.add_argument("--format", choices=["markdown", "html", "json"], default="markdown")
    return parser


def main(argv: list[str], env: Mapping[str, str], cwd: Path) -> int:
    args = build_parser().parse_args(argv)
    store = SessionStore(vibe_home(env) / "sessions")
    if args.action == "list":
        infos = store.all_sessions() if args.all else store.sessions_for(cwd.resolve())
        print(_listing(infos, args.output))
        return 0
    try:
        transcript = read_transcript(store.find(args.session_id))
    except SessionNotFoundError as exc:
        print(for_terminal(f"vibe sessions: {exc}"), file=sys.stderr)
        return USAGE_ERROR
    if args.action == "show":
        print(for_terminal(as_markdown(transcript)), end="")
    else:
        sys.stdout.write(_document(transcript, args.format))
    return 0


def _document(transcript: Transcript, kind: str) -> str:
    if kind == "html":
        return as_html(transcript)
    if kind == "json":
        return json_for_terminal(as_json(transcript)) + "\n"
    return as_markdown(transcript)


def _listing(infos: list[SessionInfo], output: str) -> str:
    rows = [row for info in infos if (row := _summary(info)) is not None]
    if output == "json":
        return json_for_terminal(json.dumps(rows, ensure_ascii=False, indent=2))
    if not rows:
        return "No sessions here (vibe sessions list --all shows every folder's)."
    lines = [
        f"{row['id']}  {row['updated']}  {row['frontend'] or '?':<8}  {row['model']}  {row['first_prompt']}"
        for row in rows
    ]
    return for_terminal("\n".join(lines))


def _summary(info: SessionInfo) -> dict[str, object] | None:
    summary = summarise(info)
    if summary is None:  # deleted since it was listed
        return None
    # The prompt count needs the whole file: fine for one listing, too slow for the TUI's picker.
    try:
        entries = read_transcript(info).entries
        first = summary.first_prompt
    except SessionFormatError:
        entries, first = [], NEWER_FORMAT  # listed, not read
    return {
        "id": info.id,
        "cwd": info.cwd,
        "created": info.created,
        "updated": summary.updated.isoformat(timespec="seconds"),
        "model": info.model,
        "frontend": info.frontend,
        "first_prompt": shortened(first, 60),
        "prompts": sum(1 for entry in entries if entry.kind == "user"),
        "bytes": summary.size_bytes,
    }

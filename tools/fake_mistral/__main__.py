"""`python -m tools.fake_mistral`: serve a scripted (or echoing) endpoint until Ctrl+C/SIGTERM.

The first line on stdout is the base URL, so scripts can read it (useful with `--port 0`).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any

from tools.fake_mistral.script import RecordedRequest
from tools.fake_mistral.server import FakeMistral


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.fake_mistral",
        description="A scripted Mistral-compatible chat-completions endpoint on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port (default 8080)")
    parser.add_argument("--script", help="JSON file of steps; without it every reply echoes the user")
    parser.add_argument("--api-key", help="require 'Authorization: Bearer KEY'")
    parser.add_argument("--model", help="model id served by /v1/models (default devstral-test)")
    parser.add_argument("--context-length", type=int, default=131072)
    parser.add_argument("--chunk-delay", type=float, default=0.0, help="seconds between streamed chunks")
    parser.add_argument("--quiet", action="store_true", help="do not log requests to stderr")
    return parser.parse_args(argv)


def _log(request: RecordedRequest) -> None:
    print(f"[fake-mistral] {request.answered_by}: {request.last_user_text[:60]!r}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    options: dict[str, Any] = {
        "api_key": args.api_key,
        "context_length": args.context_length,
        "port": args.port,
        "chunk_delay": args.chunk_delay,
        "on_request": None if args.quiet else _log,
    }
    if args.model:
        options["model"] = args.model
    server = FakeMistral.from_json(args.script, **options) if args.script else FakeMistral(**options)
    try:
        server.start()
    except OSError as exc:
        print(f"fake-mistral: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(server.base_url, flush=True)

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        # A timed wait keeps the main thread responsive to signals on every platform.
        while not stop_requested.wait(0.5):
            pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

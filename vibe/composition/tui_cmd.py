"""`vibe` on a terminal: the interactive TUI (being built)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(args: argparse.Namespace, env: dict[str, str], cwd: Path, initial_prompt: str | None) -> int:
    print(
        'vibe: the interactive TUI is not available in this version; run vibe -p "your task"', file=sys.stderr
    )
    return 2

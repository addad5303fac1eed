"""`vibe acp`: editor mode (being built)."""

from __future__ import annotations

import sys
from pathlib import Path


def main(env: dict[str, str], cwd: Path) -> int:
    print("vibe: editor mode is not available in this version", file=sys.stderr)
    return 2

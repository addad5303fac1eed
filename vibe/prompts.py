"""Loads model-facing text from `prompts/`.

In a wheel the folder ships as `vibe/_prompts`; in a source checkout or an editable install it is
the top-level `prompts/` beside the package. Both are tried, wheel layout first.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

__all__ = ["load_prompt"]

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def prompts_dir() -> Path:
    for candidate in (_PACKAGE_DIR / "_prompts", _PACKAGE_DIR.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("vibe's prompts/ folder is missing from this installation")


@cache
def load_prompt(name: str) -> str:
    """Text of `prompts/<name>` (e.g. "system.md", "tools/bash.md"), trailing whitespace removed."""
    return (prompts_dir() / name).read_text(encoding="utf-8").rstrip()

"""Imports httpx without its command-line interface.

httpx's package import pulls in its optional CLI (rich, click, pygments: ~35 ms) whenever those
are installed, and they are, alongside textual. vibe never uses that CLI, and headless start-up
is a product target. An empty placeholder for `httpx._main` makes httpx take its own documented
fallback (`from ._main import main` raising ImportError), so nothing of httpx's API changes.
"""

from __future__ import annotations

import sys
import types

if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", types.ModuleType("httpx._main"))

import httpx

__all__ = ["httpx"]

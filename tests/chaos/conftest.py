"""The adversarial suite drives the real `vibe` process as CI does: the same repository, VIBE_HOME
and scripted endpoint as the end-to-end tests (their `vibe_env` fixture, shared from here)."""

from __future__ import annotations

from e2e.conftest import vibe_env

__all__ = ["vibe_env"]

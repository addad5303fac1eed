"""How permissive each permission mode is, and the stricter of two.

A custom agent or a subagent names a mode as a ceiling: it runs with the stricter of that and the
mode the user chose, so an agent file (a repository's, say) can tighten what runs but never
loosen it.
"""

from __future__ import annotations

from vibe.config.settings import PermissionMode

__all__ = ["MODE_ORDER", "stricter_mode"]

# Least permissive first.
MODE_ORDER: tuple[PermissionMode, ...] = ("plan", "ask", "accept-edits", "auto")


def stricter_mode(chosen: PermissionMode, ceiling: PermissionMode | None) -> PermissionMode:
    """`chosen`, unless `ceiling` is stricter."""
    if ceiling is None:
        return chosen
    return ceiling if MODE_ORDER.index(ceiling) < MODE_ORDER.index(chosen) else chosen

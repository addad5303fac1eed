"""Where vibe keeps its files: VIBE_HOME (default ~/.vibe), the project's `.vibe/`, and a
rebuildable cache (XDG_CACHE_HOME/vibe)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["cache_dir", "logs_dir", "project_root", "sessions_dir", "vibe_home"]


def vibe_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    raw = env.get("VIBE_HOME")
    return Path(raw).expanduser() if raw else _home() / ".vibe"


def _home() -> Path:
    """The user's home; in a container running a user with neither HOME nor a passwd entry,
    a private folder under the temp directory (set VIBE_HOME to keep sessions elsewhere)."""
    try:
        return Path.home()
    except RuntimeError:
        import tempfile

        return Path(tempfile.gettempdir()) / f"vibe-home-{os.getuid()}"


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Rebuildable data (never needed to resume work): XDG_CACHE_HOME/vibe, else ~/.cache/vibe."""
    env = os.environ if env is None else env
    raw = env.get("XDG_CACHE_HOME")
    base = Path(raw).expanduser() if raw else _home() / ".cache"
    return base / "vibe"


def project_root(cwd: Path) -> Path:
    """The git work tree containing `cwd`, or `cwd` itself outside a repository."""
    for folder in (cwd, *cwd.parents):
        if (folder / ".git").exists():
            return folder
    return cwd


def sessions_dir(home: Path) -> Path:
    return home / "sessions"


def logs_dir(home: Path) -> Path:
    return home / "logs"

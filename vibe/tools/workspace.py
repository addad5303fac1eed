"""Workspace roots and path resolution: every path a tool touches must fall inside a root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from vibe.tools.errors import ToolError

__all__ = ["OutsideWorkspaceError", "Workspace"]


class OutsideWorkspaceError(ToolError):
    """A path the model named falls outside every workspace root."""


@dataclass(frozen=True, slots=True)
class Workspace:
    cwd: Path
    roots: tuple[Path, ...]
    # Folders read_file may also read, never write: each loaded skill's own folder (a user's
    # skill lives under $VIBE_HOME, outside the workspace). Symlinks resolved.
    readable: tuple[Path, ...] = ()

    @classmethod
    def create(cls, cwd: Path, extra_roots: tuple[Path, ...] = ()) -> Workspace:
        real_cwd = Path(os.path.realpath(cwd))
        roots = (real_cwd, *(Path(os.path.realpath(r)) for r in extra_roots))
        return cls(cwd=real_cwd, roots=roots)

    def resolve(self, raw: str) -> Path:
        """Absolute, symlink-resolved path for `raw`; raises OutsideWorkspaceError if outside."""
        return self._resolve(raw, self.roots)

    def resolve_for_reading(self, raw: str) -> Path:
        """As `resolve`, also accepting a path in one of the `readable` folders."""
        return self._resolve(raw, (*self.roots, *self.readable))

    def _resolve(self, raw: str, allowed: tuple[Path, ...]) -> Path:
        candidate = Path(raw).expanduser()
        if not candidate.is_absolute():
            candidate = self.cwd / candidate
        real = Path(os.path.realpath(candidate))
        if not any(real == root or real.is_relative_to(root) for root in allowed):
            roots = ", ".join(str(r) for r in self.roots)
            raise OutsideWorkspaceError(
                f"{raw} is outside the workspace ({roots}); only paths inside it can be used"
            )
        return real

    def root_of(self, path: Path) -> Path:
        """The innermost root holding `path` (a path `resolve` returned)."""
        holding = [root for root in self.roots if path == root or path.is_relative_to(root)]
        if not holding:
            raise OutsideWorkspaceError(f"{path} is outside the workspace")
        return max(holding, key=lambda root: len(root.parts))

    def display(self, path: Path) -> str:
        """Path as users and the model should read it: relative to cwd when inside it."""
        if path == self.cwd:
            return "."
        if path.is_relative_to(self.cwd):
            return str(path.relative_to(self.cwd))
        return str(path)

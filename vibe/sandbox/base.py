"""The sandbox interface: turn a command into a confined spawn, and say what is enforced."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SandboxReport:
    backend: str  # "none", later "landlock", "bubblewrap"
    confined: bool
    # One honest sentence about what is enforced; shown to users and to the model.
    summary: str


@dataclass(frozen=True, slots=True)
class SpawnSpec:
    argv: list[str]
    cwd: Path
    env: Mapping[str, str] | None = None
    # Runs in the child between fork and exec (e.g. to apply Landlock rules).
    preexec: Callable[[], None] | None = None


class Sandbox(Protocol):
    @property
    def report(self) -> SandboxReport: ...

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec: ...


class NoSandbox:
    """No confinement. Honest about it: the report says commands run with full user rights."""

    @property
    def report(self) -> SandboxReport:
        return SandboxReport(
            backend="none",
            confined=False,
            summary="no OS sandbox: commands run with your user's full permissions",
        )

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        return SpawnSpec(argv=list(argv), cwd=cwd)

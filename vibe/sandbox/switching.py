"""A sandbox that turns read-only while a condition holds (plan mode).

Plan mode promises that nothing is written. The policy only lets commands it judges read-only run
then, but a judgement from a command's text can be wrong; running them under a read-only sandbox
makes the operating system keep the promise too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from vibe.sandbox.base import Sandbox, SandboxReport, SpawnSpec

__all__ = ["SwitchingSandbox"]


class SwitchingSandbox:
    def __init__(
        self, normal: Sandbox, make_read_only: Callable[[], Sandbox], read_only_now: Callable[[], bool]
    ) -> None:
        self._normal = normal
        self._make_read_only = make_read_only
        self._read_only: Sandbox | None = None
        self._read_only_now = read_only_now

    @property
    def report(self) -> SandboxReport:
        # What the session runs under outside plan mode; plan mode is only ever stricter.
        return self._normal.report

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        if not self._read_only_now():
            return self._normal.wrap(argv, cwd)
        if self._read_only is None:  # probed on first use: most sessions never enter plan mode
            self._read_only = self._make_read_only()
        return self._read_only.wrap(argv, cwd)

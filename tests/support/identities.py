"""Running the real `vibe` as root and as an unprivileged user.

CI runs as root, where a sandbox is easiest to get wrong (root owns /proc/sys, every socket and
most of the file system). Security tests run the same attack both ways: as the test's own user,
and, when that is root, again as `nobody` through `setpriv` (no groups, no capabilities).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

NOBODY = 65534


@dataclass(frozen=True)
class Identity:
    """Who a test's `vibe` runs as: `prefix` goes before the command."""

    name: str  # "root", "user" or "nobody"
    uid: int
    prefix: tuple[str, ...] = ()

    @property
    def privileged(self) -> bool:
        return self.uid == 0


def shared_python() -> str:
    """A Python every identity can run, for commands run as `nobody`: the tests' own interpreter
    may live where only root can reach (a pyenv under /root)."""
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if Path(candidate).is_file():
            return candidate
    return sys.executable


def current_identity() -> Identity:
    uid = os.getuid()
    return Identity("root" if uid == 0 else "user", uid)


def nobody_identity() -> Identity | None:
    """`nobody` through setpriv, when this process is root and setpriv exists; else None."""
    setpriv = shutil.which("setpriv")
    if os.getuid() != 0 or setpriv is None:
        return None
    prefix = (setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--inh-caps=-all")
    return Identity("nobody", NOBODY, prefix)


def identities() -> list[Identity]:
    found = [current_identity()]
    nobody = nobody_identity()
    if nobody is not None:
        found.append(nobody)
    return found


def identity_ids() -> list[str]:
    return [identity.name for identity in identities()]


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temp folder every identity can use (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="vibe-sec-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def hand_over(path: Path, identity: Identity) -> None:
    """Give `path` (recursively) to `identity`, so the tree is its own as a user's checkout is."""
    if identity.uid == os.getuid():
        return
    for folder, dirs, files in os.walk(path):
        os.chown(folder, identity.uid, identity.uid)
        for name in (*dirs, *files):
            os.lchown(Path(folder) / name, identity.uid, identity.uid)

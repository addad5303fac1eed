"""The private scratch area of one sandbox, removed with it (or at interpreter exit).

`path` is exported as TMPDIR to confined commands and writable for them in every confined mode;
`empty` is a read-only empty folder that bubblewrap mounts over protected paths that do not
exist yet, so they cannot be created.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path


class PrivateTmp:
    def __init__(self) -> None:
        base = Path(os.path.realpath(tempfile.mkdtemp(prefix="vibe-sandbox-")))
        self._finalizer = weakref.finalize(self, shutil.rmtree, base, ignore_errors=True)
        self.path = base / "tmp"
        self.path.mkdir()
        self.empty = base / "empty"
        self.empty.mkdir(mode=0o555)

    def remove(self) -> None:
        self._finalizer()

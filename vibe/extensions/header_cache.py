"""Parsed front-matter kept between runs, so a run with skills and commands need not load the
YAML parser (about 15 ms to import, more than the whole start-up budget for extensions).

Keyed by a hash of the front-matter text itself: parsing is a pure function of that text, so
an entry can never be stale, whatever the file's dates. Only front-matter that survives a JSON
round trip unchanged is kept (a YAML date would not). The file lives in `$VIBE_HOME/cache/`,
written only by vibe, atomically; a missing or damaged file is an empty cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, cast

__all__ = ["HeaderCache"]

# Entries past this are dropped wholesale (old definitions pile up as files are edited).
MAX_ENTRIES = 2000


class HeaderCache:
    def __init__(self, file: Path) -> None:
        self._file = file
        self._entries: dict[str, dict[str, Any]] | None = None
        self._dirty = False

    def get(self, header: str) -> dict[str, Any] | None:
        meta = self._loaded().get(_key(header))
        return dict(meta) if meta is not None else None

    def put(self, header: str, meta: dict[str, Any]) -> None:
        try:
            if json.loads(json.dumps(meta)) != meta:
                return
        except (TypeError, ValueError):
            return
        entries = self._loaded()
        if len(entries) >= MAX_ENTRIES:
            entries.clear()
        entries[_key(header)] = meta
        self._dirty = True

    def save(self) -> None:
        """Writes the entries added since loading; a failure only costs the next run time."""
        if not self._dirty or self._entries is None:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(dir=self._file.parent, prefix=".definitions-")
        except OSError:
            return
        temporary = Path(name)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._entries, handle, ensure_ascii=False)
            temporary.replace(self._file)
        except OSError:
            temporary.unlink(missing_ok=True)
            return
        self._dirty = False

    def _loaded(self) -> dict[str, dict[str, Any]]:
        if self._entries is None:
            self._entries = _read(self._file)
        return self._entries


def _key(header: str) -> str:
    return hashlib.sha256(header.encode("utf-8", "surrogatepass")).hexdigest()


def _read(file: Path) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    entries = cast(dict[str, object], data)
    return {key: cast(dict[str, Any], value) for key, value in entries.items() if isinstance(value, dict)}

"""A byte-compiled variant of the SDK's `acp.schema` with annotations evaluated eagerly.

The SDK's schema module starts with `from __future__ import annotations`, so while it creates
its ~280 models pydantic compiles and evaluates ~770 annotation strings: about a fifth of the
import, which the editor waits for before `initialize` is answered. The module is generated
with every name defined before it is used, so the same source also runs without that line, and
then Python evaluates each annotation once, as bytecode, while the class is created.

The variant lives in vibe's cache folder (`vibe.config.paths.cache_dir`), keyed on the SDK
file (path, size, mtime) and on this interpreter's bytecode magic, so an upgraded SDK or Python
never meets a stale copy. Compiling
the 5,800-line module takes most of a second, so it is built by a separate low-priority process
(`python -m vibe.acp.schema_cache FOLDER`) after the handshake, never while the editor waits.
`vibe.acp.sdk` falls back to the SDK's own module if the variant is missing or fails to run.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import marshal
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import CodeType, ModuleType

from vibe.fileio import atomic_write_bytes

__all__ = ["start_build"]

MODULE = "acp.schema"
FUTURE_LINE = "from __future__ import annotations\n"
# Bump when the transformation changes: older cache files are then ignored and pruned.
VARIANT = 1
_PREFIX = "acp-schema-"


def schema_source() -> Path | None:
    """The SDK's schema.py, found without importing the `acp` package."""
    try:
        spec = importlib.util.find_spec("acp")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "schema.py"
        if candidate.is_file():
            return candidate
    return None


def cache_file(folder: Path, source: Path) -> Path:
    info = source.stat()
    key = "|".join(
        (
            str(VARIANT),
            str(source.resolve()),
            str(info.st_size),
            str(info.st_mtime_ns),
            importlib.util.MAGIC_NUMBER.hex(),
        )
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return folder / f"{_PREFIX}{digest}.bin"


class _CachedSchemaLoader(importlib.machinery.SourceFileLoader):
    """Loads `acp.schema` from the prepared code object; `__file__` stays the SDK's file."""

    def __init__(self, source: Path, code: CodeType) -> None:
        super().__init__(MODULE, str(source))
        self._code = code

    def get_code(self, fullname: str) -> CodeType:
        return self._code


class CachedSchemaFinder(importlib.abc.MetaPathFinder):
    """Serves `acp.schema` from the cache; every other import goes the usual way."""

    def __init__(self, source: Path, cache: Path, code: CodeType) -> None:
        self.source = source
        self.cache = cache
        self._code = code

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != MODULE:
            return None
        loader = _CachedSchemaLoader(self.source, self._code)
        return importlib.util.spec_from_file_location(MODULE, str(self.source), loader=loader)


def _read(cache: Path) -> CodeType | None:
    try:
        data = cache.read_bytes()
    except OSError:
        return None
    magic = importlib.util.MAGIC_NUMBER
    if not data.startswith(magic):
        return None
    try:
        code = marshal.loads(data[len(magic) :])
    except (EOFError, ValueError, TypeError):
        return None
    return code if isinstance(code, CodeType) else None


def cached_finder(folder: Path) -> CachedSchemaFinder | None:
    """A finder for the cached variant, or None when there is no usable one."""
    source = schema_source()
    if source is None:
        return None
    try:
        cache = cache_file(folder, source)
    except OSError:
        return None
    code = _read(cache)
    if code is None:
        return None
    return CachedSchemaFinder(source, cache, code)


def needs_build(folder: Path) -> bool:
    """Whether building is both wanted (no cache yet) and possible (the SDK has the future
    import, the folder can be written)."""
    source = schema_source()
    if source is None:
        return False
    try:
        if cache_file(folder, source).exists():
            return False
        with source.open(encoding="utf-8") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    if FUTURE_LINE not in head:
        return False
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    return existing is not None and os.access(existing, os.W_OK)


def build(folder: Path) -> Path | None:
    """Compile the variant and store it atomically; older variants are removed."""
    source = schema_source()
    if source is None:
        return None
    text = source.read_text(encoding="utf-8")
    if FUTURE_LINE not in text:
        return None
    # Keep the line count, so tracebacks and line numbers still match the SDK's file.
    code = compile(text.replace(FUTURE_LINE, "\n", 1), str(source), "exec", dont_inherit=True)
    cache = cache_file(folder, source)
    atomic_write_bytes(cache, importlib.util.MAGIC_NUMBER + marshal.dumps(code))
    for old in cache.parent.glob(f"{_PREFIX}*.bin"):
        if old != cache:
            old.unlink(missing_ok=True)
    return cache


def start_build(folder: Path) -> subprocess.Popen[bytes] | None:
    """Build in a separate, low-priority process (the compile would hold this one's GIL for
    most of a second). The caller waits for or stops it before exiting."""
    if not needs_build(folder):
        return None
    try:
        return subprocess.Popen(
            [sys.executable, "-m", __name__, str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )
    except OSError:
        return None


def main(argv: Sequence[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m vibe.acp.schema_cache FOLDER", file=sys.stderr)
        return 2
    with contextlib.suppress(OSError):
        os.nice(10)  # the editor's session comes first
    # Stopped early by the agent: unwind, so the atomic write removes its temp file.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        built = build(Path(argv[0]))
    except (OSError, SyntaxError, ValueError) as exc:
        print(f"vibe: cannot build the ACP schema cache: {exc}", file=sys.stderr)
        return 1
    return 0 if built else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

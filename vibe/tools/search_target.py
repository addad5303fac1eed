"""Checks the path a search was asked for before anything opens it, so a bad one becomes a
sentence the model can act on: missing, not readable, or a pipe or device (which would block
the search forever if opened)."""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vibe.tools.fs import looks_binary, open_regular_file

_BINARY_PROBE_BYTES = 8192


@dataclass(frozen=True, slots=True)
class SearchTarget:
    kind: Literal["folder", "file"]
    # A regular file with a NUL near its start (only checked for files).
    binary: bool = False


def check_target(path: Path, shown: str, tool: str, *, folders_only: bool = False) -> SearchTarget | str:
    """What `path` is, or why `tool` cannot search it (`shown`: the path as the model wrote it)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"{shown} does not exist"
    except OSError as exc:
        return _unreadable(shown, exc)
    if stat.S_ISDIR(mode):
        try:
            with os.scandir(path) as entries:
                next(entries, None)
        except OSError as exc:
            return _unreadable(shown, exc)
        return SearchTarget("folder")
    if folders_only:
        kind = "file" if stat.S_ISREG(mode) else _special_kind(mode)
        return f"{shown} is a {kind}, not a folder: {tool} searches folders"
    if not stat.S_ISREG(mode):
        return f"{shown} is a {_special_kind(mode)}, not a file: {tool} searches files and folders"
    try:
        fd = open_regular_file(path)
    except OSError as exc:
        return _unreadable(shown, exc)
    with os.fdopen(fd, "rb") as handle:
        head = handle.read(_BINARY_PROBE_BYTES)
    return SearchTarget("file", binary=looks_binary(head))


def _unreadable(shown: str, exc: OSError) -> str:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{shown} cannot be read: permission denied (vibe runs as a user without access to it)"
    return f"{shown} cannot be read: {exc.strerror or exc}"


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    return "special file"

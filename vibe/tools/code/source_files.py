"""The source files a code tool looks at under a folder, and their bytes when worth parsing.

The walk is vibe's gitignore-aware one (hidden folders skipped, symlinks never followed, so it
stays inside the workspace). A file is skipped when parsing it would cost much and tell little:
too large, binary, or minified/generated (very long lines on average).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from vibe.tools.code.languages import MAX_PARSE_BYTES, CodeLanguage, language_for, source_bytes
from vibe.tools.fs import FileTooLargeError, looks_binary, read_regular_file
from vibe.tools.ignore import walk_files
from vibe.tools.shown_names import path_order
from vibe.tools.stoppable import StopFlag
from vibe.tools.text_encoding import decode_text

# A tree larger than this is not searched file by file: the caller says to narrow the path.
MAX_FILES = 50_000
# Bytes per line past which a file is minified or generated, not written by hand.
_MINIFIED_BYTES_PER_LINE = 300
_CHECK_EVERY = 256

SkipReason = Literal["large", "binary", "minified", "unreadable"]


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: Path
    language: CodeLanguage


@dataclass(slots=True)
class Listing:
    files: list[SourceFile]
    truncated: bool  # more than MAX_FILES: the rest were not listed


def list_sources(start: Path, flag: StopFlag) -> Listing:
    """The files of a known language under `start` (or `start` itself), nearest first: fewer
    folders deep, then in the walk's order."""
    files: list[SourceFile] = []
    truncated = False
    for count, path in enumerate(walk_files(start, skip_hidden=True)):
        if count % _CHECK_EVERY == 0:
            flag.check()
        language = language_for(path)
        if language is None:
            continue
        if len(files) >= MAX_FILES:
            truncated = True
            break
        files.append(SourceFile(path, language))
    top = len(start.parts)
    files.sort(key=lambda f: (len(f.path.parts) - top, path_order(os.fspath(f.path))))
    return Listing(files, truncated)


def read_source(path: Path) -> bytes | SkipReason:
    """The bytes of `path`, or why it is not worth parsing."""
    try:
        if os.stat(path).st_size > MAX_PARSE_BYTES:  # noqa: PTH116 - one stat, no Path object
            return "large"
        data = read_regular_file(path, MAX_PARSE_BYTES)
    except FileTooLargeError:  # it grew since the stat
        return "large"
    except OSError:
        return "unreadable"
    if not data.isascii():
        # Latin-1 or UTF-16 source is parsed as the UTF-8 the grammars read.
        decoded = decode_text(data)
        if decoded is None:
            return "binary"
        data = source_bytes(decoded.text)
    elif looks_binary(data):
        return "binary"
    if len(data) > 4096 and len(data) / (data.count(b"\n") + 1) > _MINIFIED_BYTES_PER_LINE:
        return "minified"
    return data


_SKIP_WORDS: dict[SkipReason, str] = {
    "large": "too large",
    "binary": "binary",
    "minified": "minified or generated",
    "unreadable": "unreadable",
}


def describe_skipped(skipped: dict[SkipReason, int]) -> str:
    """ "(not read: 2 too large, 1 minified)" or ""."""
    parts = [f"{skipped[reason]} {words}" for reason, words in _SKIP_WORDS.items() if skipped.get(reason)]
    return f"(files not read: {', '.join(parts)})" if parts else ""

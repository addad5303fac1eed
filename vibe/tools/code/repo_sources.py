"""The source files a repository map is made of, or none for a folder that is no project.

A home folder or the file system's root outside a repository, or a tree with more files than
a project has, is not mapped: walking it would cost more than any map is worth.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vibe.tools.code.languages import language_for
from vibe.tools.code.source_files import SourceFile
from vibe.tools.ignore import walk_files
from vibe.tools.stoppable import StopFlag

__all__ = ["MapSources", "map_sources"]

MAX_MAP_FILES = 10_000
MAX_WALKED_FILES = 60_000
_CHECK_EVERY = 256


@dataclass(slots=True)
class MapSources:
    root: Path
    files: list[SourceFile]


def map_sources(root: Path, flag: StopFlag) -> MapSources | None:
    """The source files to map under `root`, or None when it is no project folder: the file
    system's root or the home folder outside a repository, or too many files to be one."""
    if (root.parent == root or root == Path.home()) and not (root / ".git").exists():
        return None
    files: list[SourceFile] = []
    for count, path in enumerate(walk_files(root, skip_hidden=True)):
        if count % _CHECK_EVERY == 0:
            flag.check()
        if count >= MAX_WALKED_FILES:
            return None
        language = language_for(path)
        if language is not None:
            files.append(SourceFile(path, language))
            if len(files) > MAX_MAP_FILES:
                return None
    return MapSources(root, files)

"""Gitignore-aware file walking, shared by grep and glob.

Follows git's rules closely enough for a coding agent: every `.gitignore` applies to its own
subtree (a deeper file overrides a shallower one), `.git/info/exclude` applies repository-wide
at the lowest priority, and `.git` itself is never entered. Ignored directories are pruned, not
filtered afterwards, so a huge `node_modules` costs one check rather than a full walk.

`.gitignore` files are honoured even outside a git repository (as ripgrep does with
`--no-require-git`): a project copied without its `.git` still means the same thing. Symlinks
are not followed, which also keeps the walk from leaving the workspace through one.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

__all__ = ["walk_files"]

GIT_DIR = ".git"


@dataclass(frozen=True, slots=True)
class _Rules:
    # Path of the directory these rules belong to, relative to the walk's top, ending in "/"
    # (empty for the top itself): patterns are matched against paths relative to it.
    prefix: str
    spec: GitIgnoreSpec


def walk_files(
    start: Path, *, skip_hidden: bool = False, unreadable: list[Path] | None = None
) -> Iterator[Path]:
    """Regular files under `start` (or `start` itself if it is one), not ignored, in sorted order.

    `skip_hidden` also prunes every entry whose name starts with a dot. If `start` is itself
    ignored by the rules above it, it was asked for explicitly: only rules inside it apply.
    Folders that cannot be listed are skipped, as ripgrep does, and added to `unreadable`.
    """
    if GIT_DIR in start.parts:
        return  # git's own database is never content to list or search
    mode = _mode(start)
    if mode is None:
        return
    if stat.S_ISREG(mode):
        yield start
        return
    if not stat.S_ISDIR(mode):
        return  # a pipe or a device: never opened
    failed = unreadable if unreadable is not None else []
    top = _repository_root(start)
    if top is None:
        yield from _walk(start, "", [], skip_hidden, failed)
        return
    rules = _rules_above(top, start)
    start_rel = start.relative_to(top).as_posix()
    if start_rel == ".":
        start_rel = ""
    elif _is_ignored(rules, start_rel + "/"):
        yield from _walk(start, "", [], skip_hidden, failed)
        return
    yield from _walk(start, f"{start_rel}/" if start_rel else "", rules, skip_hidden, failed)


def _mode(path: Path) -> int | None:
    # Not Path.is_file()/exists(): before Python 3.12 they raise PermissionError for a path
    # inside a folder we may not search.
    try:
        return path.stat().st_mode
    except (OSError, ValueError):
        return None


def _walk(
    directory: Path, rel_dir: str, rules: list[_Rules], skip_hidden: bool, unreadable: list[Path]
) -> Iterator[Path]:
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except PermissionError:
        unreadable.append(directory)
        return
    except OSError:
        return  # vanished since it was listed
    own = _load_rules(directory / ".gitignore", rel_dir)
    if own is not None:
        rules = [*rules, own]
    for entry in entries:
        if entry.name == GIT_DIR or (skip_hidden and entry.name.startswith(".")):
            continue
        try:
            if entry.is_symlink():
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            is_file = not is_dir and entry.is_file(follow_symlinks=False)
        except OSError:
            continue
        rel = rel_dir + entry.name
        if is_dir:
            if not _is_ignored(rules, rel + "/"):
                yield from _walk(Path(entry.path), rel + "/", rules, skip_hidden, unreadable)
        elif is_file and not _is_ignored(rules, rel):
            yield Path(entry.path)


def _is_ignored(rules: list[_Rules], rel: str) -> bool:
    """The deepest rules file with an opinion decides; no opinion anywhere means kept."""
    for rule in reversed(rules):
        if not rel.startswith(rule.prefix):
            continue
        verdict = rule.spec.check_file(rel[len(rule.prefix) :]).include
        if verdict is not None:
            return verdict
    return False


def _repository_root(start: Path) -> Path | None:
    for candidate in (start, *start.parents):
        if _mode(candidate / GIT_DIR) is not None:
            return candidate
    return None


def _rules_above(top: Path, start: Path) -> list[_Rules]:
    """Rules from the repository top down to (not including) `start`'s own .gitignore."""
    rules: list[_Rules] = []
    exclude = _load_rules(top / GIT_DIR / "info" / "exclude", "")
    if exclude is not None:
        rules.append(exclude)
    directory = top
    for part in start.relative_to(top).parts:
        prefix = directory.relative_to(top).as_posix()
        loaded = _load_rules(directory / ".gitignore", "" if prefix == "." else prefix + "/")
        if loaded is not None:
            rules.append(loaded)
        directory = directory / part
    return rules


def _load_rules(path: Path, prefix: str) -> _Rules | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    # Imported on first use: pathspec costs ~15 ms that starting a session need not pay.
    from pathspec import GitIgnoreSpec

    spec = GitIgnoreSpec.from_lines(text.splitlines())
    return _Rules(prefix, spec) if len(spec) else None

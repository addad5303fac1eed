"""Trusted folders: which repositories may loosen vibe, bound to the exact content trusted.

Trust is given to a folder (the project root) for a fingerprint of what could loosen vibe there:
the project config's loosening candidates (`project_layer.trust_candidates`) and every file under
`.vibe/` that can run or instruct (agents, commands, skills, hooks) and `.agents/skills/`. A
`git pull` that changes any of it voids the trust until the user approves again, and what changed
is shown. Records live in `$VIBE_HOME/trust.json`, never in the repository: a repository cannot
trust itself.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import stat
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, cast

from vibe.config.project_layer import describe, trust_candidates
from vibe.fileio import atomic_write_text

__all__ = ["TrustStore", "changes", "fingerprint"]

TRUST_FILE = "trust.json"
# Folders whose files can run code or instruct the model once the features that read them exist.
EXTENSION_FOLDERS = (".vibe/agents", ".vibe/commands", ".vibe/skills", ".vibe/hooks", ".agents/skills")
_VERSION = 1

TrustStatus = Literal["nothing", "trusted", "untrusted", "changed", "run"]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What trust is bound to. `files` maps paths relative to the root to their content hash."""

    config: dict[str, Any] = field(default_factory=dict[str, Any])
    files: dict[str, str] = field(default_factory=dict[str, str])

    @property
    def digest(self) -> str:
        canonical = json.dumps(
            {"config": self.config, "files": self.files}, sort_keys=True, ensure_ascii=False, default=str
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def empty(self) -> bool:
        return not self.config and not self.files

    def lines(self) -> list[str]:
        """What this fingerprint covers, one line each, as shown when asking for trust."""
        return describe(self.config) + [f"{path} (file)" for path in sorted(self.files)]


def fingerprint(root: Path, project: Mapping[str, Any]) -> Fingerprint:
    """The fingerprint of `root` for its current project config data and extension files."""
    files: dict[str, str] = {}
    for folder in EXTENSION_FOLDERS:
        files.update(_hash_tree(root, root / folder))
    # Round-trip through JSON so dates and other TOML types compare as they are stored.
    config = json.loads(json.dumps(trust_candidates(project), sort_keys=True, default=str))
    return Fingerprint(config=cast(dict[str, Any], config), files=files)


def _hash_tree(root: Path, folder: Path) -> Iterator[tuple[str, str]]:
    """(path relative to `root`, content hash) for every file under `folder`.

    Symlinks are followed (a link into the repository or elsewhere binds the trust to what it
    points at, not to the link's text alone); each folder is visited once, so a link cycle ends.
    """
    seen: set[tuple[int, int]] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            info = current.stat()
        except OSError:
            if current.is_symlink():  # dangling: its target may appear later
                yield current.relative_to(root).as_posix(), "symlink:" + str(current.readlink())
            continue
        relative = current.relative_to(root).as_posix()
        link = f"symlink:{current.readlink()}:" if current.is_symlink() else ""
        if not stat.S_ISDIR(info.st_mode):
            yield relative, link + _hash_file(current)
            continue
        if (info.st_dev, info.st_ino) in seen:
            yield relative, link + "loop"
            continue
        seen.add((info.st_dev, info.st_ino))
        if link:
            yield relative, link + "folder"
        try:
            entries = sorted(current.iterdir(), reverse=True)
        except OSError as exc:
            yield relative, f"unreadable:{exc.errno}"
            continue
        pending.extend(entries)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 16), b""):
                digest.update(block)
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class TrustRecord:
    path: str
    digest: str
    trusted_at: str
    fingerprint: Fingerprint


def changes(before: Fingerprint, after: Fingerprint) -> list[str]:
    """What differs between the trusted content and the current one, one line each."""
    old = dict(line.split(" = ", 1) for line in describe(before.config))
    new = dict(line.split(" = ", 1) for line in describe(after.config))
    found = [f"added {key} = {value}" for key, value in new.items() if key not in old]
    found += [f"changed {key}: {old[key]} → {new[key]}" for key in new if key in old and old[key] != new[key]]
    found += [f"removed {key}" for key in old if key not in new]
    then, now = before.files, after.files
    found += [f"added file {path}" for path in sorted(now) if path not in then]
    found += [f"changed file {path}" for path in sorted(now) if path in then and then[path] != now[path]]
    found += [f"removed file {path}" for path in sorted(then) if path not in now]
    return found


class TrustStore:
    """`$VIBE_HOME/trust.json`: trusted folders and the fingerprint each was trusted for."""

    def __init__(self, home: Path) -> None:
        self.path = home / TRUST_FILE

    def get(self, root: Path) -> TrustRecord | None:
        return self._read().get(_key(root))

    def records(self) -> list[TrustRecord]:
        return sorted(self._read().values(), key=lambda record: record.path)

    def trust(self, root: Path, current: Fingerprint) -> TrustRecord:
        record = TrustRecord(
            path=_key(root),
            digest=current.digest,
            trusted_at=datetime.now(UTC).isoformat(timespec="seconds"),
            fingerprint=current,
        )
        with self._locked() as records:
            records[record.path] = record
        return record

    def revoke(self, root: Path) -> bool:
        with self._locked() as records:
            return records.pop(_key(root), None) is not None

    @contextlib.contextmanager
    def _locked(self) -> Generator[dict[str, TrustRecord]]:
        """Read-modify-write under a lock, so two vibe processes trusting at once lose nothing."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(TRUST_FILE + ".lock")
        with lock.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            records = self._read()
            yield records
            atomic_write_text(self.path, _dump(records))

    def _read(self) -> dict[str, TrustRecord]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            # A damaged file trusts nothing (and is rewritten on the next `vibe trust`).
            return {}
        folders = cast(dict[str, Any], data).get("folders") if isinstance(data, dict) else None
        if not isinstance(folders, dict):
            return {}
        records: dict[str, TrustRecord] = {}
        for path, entry in cast(dict[str, Any], folders).items():
            if isinstance(entry, dict):
                record = _record(path, cast(dict[str, Any], entry))
                if record is not None:
                    records[path] = record
        return records


def _record(path: str, entry: dict[str, Any]) -> TrustRecord | None:
    config, files = entry.get("config"), entry.get("files")
    digest, when = entry.get("digest"), entry.get("trusted_at")
    if not (isinstance(config, dict) and isinstance(files, dict) and isinstance(digest, str)):
        return None
    saved = Fingerprint(config=cast(dict[str, Any], config), files=cast(dict[str, str], files))
    return TrustRecord(path=path, digest=digest, trusted_at=str(when or ""), fingerprint=saved)


def _dump(records: Mapping[str, TrustRecord]) -> str:
    folders = {
        path: {
            "digest": record.digest,
            "trusted_at": record.trusted_at,
            "config": record.fingerprint.config,
            "files": record.fingerprint.files,
        }
        for path, record in sorted(records.items())
    }
    return json.dumps({"version": _VERSION, "folders": folders}, indent=2, ensure_ascii=False) + "\n"


def _key(root: Path) -> str:
    return os.path.realpath(root)


@dataclass(frozen=True, slots=True)
class ProjectTrust:
    """How the project layer of one run was treated."""

    root: Path
    status: TrustStatus
    # Loosening keys (and extension files) left out because the folder is not trusted.
    ignored: tuple[str, ...] = ()
    # Keys never taken from a project, trusted or not.
    withheld: tuple[str, ...] = ()
    # Since the folder was last trusted (status "changed").
    changed: tuple[str, ...] = ()
    fingerprint: Fingerprint = field(default_factory=Fingerprint)

    @property
    def trusted(self) -> bool:
        return self.status in ("trusted", "run")

    @property
    def needs_decision(self) -> bool:
        """Something here asks for trust that the user has not given (for this content)."""
        return self.status in ("untrusted", "changed")

    def notice(self, how_to_trust: str) -> str | None:
        """One clear notice for the user, or None when there is nothing to say."""
        parts: list[str] = []
        if self.needs_decision:
            where = f"{self.root}/.vibe"
            if self.status == "changed":
                head = f"{where} changed since you trusted it ({'; '.join(self.changed)}), so"
            else:
                head = f"{where} is from a folder you have not trusted, so"
            parts.append(f"{head} these settings are ignored: {', '.join(self.ignored)}. {how_to_trust}")
        if self.withheld:
            parts.append(
                "A project cannot choose which key is sent to an endpoint, so these are ignored: "
                + ", ".join(self.withheld)
            )
        return " ".join(parts) or None

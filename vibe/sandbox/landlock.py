"""Landlock backend: the kernel's unprivileged access control, applied in the child before exec.

The ruleset is built once, in the parent, when the sandbox is created; the child only sets
no_new_privs and calls landlock_restrict_self on the inherited ruleset descriptor, so the code
that runs between fork and exec is two system calls.

What Landlock can and cannot do decides the report:
- it restricts opening and changing files by path, with every right the kernel's ABI knows;
  reads stay allowed everywhere;
- rules only grant: a subfolder of a writable root cannot be made read-only again, so existing
  protected paths (.git/hooks, ...) are NOT protected by this backend; a `.git`, `.vibe` or git
  directory a command creates is renamed aside when it ends (metadata_guard.py), as everywhere;
- network (ABI >= 4): TCP bind and connect only; UDP, and Unix sockets on the filesystem, stay
  open. ABI >= 6 also stops abstract Unix sockets and signals to processes outside the sandbox;
- it has no process namespace: strays are found by their run marker (reaper.py).
"""

from __future__ import annotations

import ctypes
import os
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vibe.sandbox.base import (
    ENVIRONMENT_SCRUBBED,
    NEW_METADATA_RENAMED,
    NEW_METADATA_WINDOW,
    STRAYS_KILLED,
    SUPERVISOR_KILLABLE,
    SandboxPolicy,
    SandboxReport,
    SpawnSpec,
    guarded,
    marked_env,
    supervised,
)
from vibe.sandbox.capabilities import drop_all_capabilities, last_capability
from vibe.sandbox.git_safety import harden_git_env
from vibe.sandbox.tmpdir import PrivateTmp

# The same numbers on every architecture (syscalls added after the tables were unified).
_SYS_CREATE_RULESET = 444
_SYS_ADD_RULE = 445
_SYS_RESTRICT_SELF = 446
_PR_SET_NO_NEW_PRIVS = 38
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1

# Filesystem rights by the ABI that introduced them.
_EXECUTE = 1 << 0
_WRITE_FILE = 1 << 1
_READ_FILE = 1 << 2
_READ_DIR = 1 << 3
_ABI1_ALL = (1 << 13) - 1  # execute .. make_sym
# Device nodes: handled (so refused) but granted nowhere, not even in the workspace: as root, a
# command could otherwise make a node for the disk and write to it.
_MAKE_CHAR = 1 << 6
_MAKE_BLOCK = 1 << 11
_REFER = 1 << 13  # ABI 2
_TRUNCATE = 1 << 14  # ABI 3
_IOCTL_DEV = 1 << 15  # ABI 5
# Network (ABI 4) and scopes (ABI 6).
_NET_BIND_TCP = 1 << 0
_NET_CONNECT_TCP = 1 << 1
_SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
_SCOPE_SIGNAL = 1 << 1
_SCOPES_ABI = 6

# Rights that make sense on a file (not a directory); others are refused by the kernel.
_FILE_RIGHTS = _EXECUTE | _WRITE_FILE | _READ_FILE | _TRUNCATE | _IOCTL_DEV
# Devices commands routinely write to.
_WRITABLE_DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/tty", "/dev/random", "/dev/urandom")


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


class LandlockError(OSError):
    pass


def _check(result: int, what: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise LandlockError(errno, f"{what}: {os.strerror(errno)}")
    return result


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when Landlock is missing or disabled."""
    version = _libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(int(version), 0)


@dataclass(frozen=True, slots=True)
class _Rights:
    fs: int
    net: int
    scoped: int

    @classmethod
    def for_abi(cls, abi: int, network: bool) -> _Rights:
        fs = _ABI1_ALL
        if abi >= 2:
            fs |= _REFER
        if abi >= 3:
            fs |= _TRUNCATE
        if abi >= 5:
            fs |= _IOCTL_DEV
        net = 0 if network or abi < 4 else _NET_BIND_TCP | _NET_CONNECT_TCP
        scoped = 0
        if abi >= 6:
            scoped = _SCOPE_SIGNAL | (0 if network else _SCOPE_ABSTRACT_UNIX_SOCKET)
        return cls(fs, net, scoped)

    def attr_size(self, abi: int) -> int:
        # The struct grew with the ABI; older kernels reject a size they do not know.
        if abi >= 6:
            return 24
        return 16 if abi >= 4 else 8


def _build_ruleset(abi: int, rights: _Rights, writable: Sequence[Path]) -> int:
    attr = _RulesetAttr(rights.fs, rights.net, rights.scoped)
    fd = _check(
        _libc.syscall(
            _SYS_CREATE_RULESET,
            ctypes.byref(attr),
            ctypes.c_size_t(rights.attr_size(abi)),
            ctypes.c_uint32(0),
        ),
        "landlock_create_ruleset",
    )
    try:
        read = _READ_FILE | _READ_DIR | _EXECUTE
        _add_path(fd, Path("/"), read)
        for root in writable:
            _add_path(fd, root, rights.fs & ~(_MAKE_CHAR | _MAKE_BLOCK))
        # Device ioctls (ABI >= 5) only on the harmless devices commands use; no others.
        for device in _WRITABLE_DEVICES:
            if Path(device).exists():
                _add_path(fd, Path(device), (read | _WRITE_FILE | _TRUNCATE | _IOCTL_DEV) & rights.fs)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _add_path(ruleset_fd: int, path: Path, access: int) -> None:
    path_fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not path.is_dir():
            access &= _FILE_RIGHTS
        rule = _PathBeneathAttr(access, path_fd)
        _check(
            _libc.syscall(
                _SYS_ADD_RULE,
                ctypes.c_int(ruleset_fd),
                ctypes.c_int(_RULE_PATH_BENEATH),
                ctypes.byref(rule),
                ctypes.c_uint32(0),
            ),
            f"landlock_add_rule({path})",
        )
    finally:
        os.close(path_fd)


def _restrict_self(ruleset_fd: int, last_cap: int) -> None:
    """Runs in the child between fork and exec: system calls only. Every capability goes first
    (with no_new_privs), so even root's command cannot undo or step around the ruleset."""
    drop_all_capabilities(last_cap)
    _check(
        _libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset_fd), ctypes.c_uint32(0)),
        "landlock_restrict_self",
    )


class LandlockSandbox:
    """Confines each command with a Landlock ruleset built once for `policy`.

    Raises LandlockError (an OSError) when the kernel has no usable Landlock.
    """

    backend = "landlock"

    def __init__(self, policy: SandboxPolicy) -> None:
        abi = landlock_abi()
        if abi < 1:
            raise LandlockError(0, "Landlock is not available in this kernel")
        self.abi = abi
        self._policy = policy
        self._tmp = PrivateTmp()
        self._writable = (*policy.effective_writable_roots(), self._tmp.path)
        rights = _Rights.for_abi(abi, policy.network)
        self._fd = _build_ruleset(abi, rights, self._writable)
        self._last_cap = last_capability()
        weakref.finalize(self, os.close, self._fd)
        self._report = self._describe(rights)

    @property
    def report(self) -> SandboxReport:
        return self._report

    def wrap(self, argv: Sequence[str], cwd: Path) -> SpawnSpec:
        finished = guarded(self._policy)
        env, marker = marked_env(self._policy, {"TMPDIR": str(self._tmp.path)})
        harden_git_env(env)
        fd, last_cap = self._fd, self._last_cap
        report = self._tmp.path / f".vibe-supervisor-{marker}"
        return SpawnSpec(
            argv=supervised(argv, report, scope_signals=self.abi >= _SCOPES_ABI),
            cwd=cwd,
            env=env,
            preexec=lambda: _restrict_self(fd, last_cap),
            run_marker=marker,
            finished=finished,
            report=report,
        )

    def _describe(self, rights: _Rights) -> SandboxReport:
        policy = self._policy
        roots = [str(root) for root in self._writable[:-1]]
        tmp = str(self._tmp.path)
        where = ", ".join([*roots, f"{tmp} (private TMPDIR)"])
        enforced = [f"writes (create, change, delete) only inside: {where}"]
        not_enforced = ["reads are not restricted: commands can read every file your user can"]
        protected = [f"{root}/{name}" for root in roots for name in policy.protected]
        guard = policy.guard
        watched = guard is not None and guard.enabled and bool(roots)
        if watched:
            enforced.append(NEW_METADATA_RENAMED)
        if protected:
            nested = " and the same names at any depth" if watched else ""
            not_enforced.append(
                "existing protected paths are writable like the rest of the workspace (Landlock cannot "
                "make part of a writable folder read-only), so a command can change the hooks and "
                f"config git runs later: {', '.join(protected)}{nested}"
            )
        if watched:
            not_enforced.append(NEW_METADATA_WINDOW)
        if self.abi < 2:
            not_enforced.append("moving or linking files between folders is refused (Landlock ABI 1)")
        enforced.append(
            "no capabilities, also as root (dropped with no_new_privs before the command starts); "
            "no device nodes can be made"
        )
        if rights.fs & _IOCTL_DEV:
            enforced.append("device ioctls only on /dev/null, /dev/tty and the like (Landlock ABI >= 5)")
        not_enforced.append(
            "Unix sockets on the filesystem (Docker's, ssh-agent's, D-Bus's) can be connected to: "
            "Landlock cannot stop connecting to them"
        )
        enforced.append(
            "the kernel's knobs (/proc/sys, /proc/sysrq-trigger) cannot be written: outside the roots"
        )
        network_sentence = "network allowed"
        if not policy.network:
            if rights.net:
                enforced.append("no TCP: connecting and listening are refused (Landlock ABI >= 4)")
                not_enforced.append("UDP (including DNS) stays open")
                network_sentence = "no TCP network (UDP is not blocked)"
            else:
                not_enforced.append(
                    f"network is NOT blocked: this kernel's Landlock ABI {self.abi} has no network rules"
                )
                network_sentence = "network NOT blocked"
        if rights.scoped:
            scope = "signals to processes outside the sandbox are refused"
            if rights.scoped & _SCOPE_ABSTRACT_UNIX_SOCKET:
                scope += ", and so are abstract Unix sockets outside it"
            enforced.append(scope)
        enforced += [STRAYS_KILLED, ENVIRONMENT_SCRUBBED]
        if self.abi < _SCOPES_ABI:
            not_enforced.append(f"{SUPERVISOR_KILLABLE} (Landlock ABI < 6 has no signal scoping)")
        if policy.mode == "read-only":
            target = "writes only to $TMPDIR"
        else:
            target = "writes only to the workspace and $TMPDIR (existing .git and .vibe NOT protected)"
        summary = f"confined by Landlock (ABI {self.abi}): {target}; {network_sentence}"
        return SandboxReport(
            backend=self.backend,
            confined=True,
            summary=summary,
            mode=policy.mode,
            network=policy.network or not rights.net,
            writable_roots=(*roots, tmp),
            protected=(),
            enforced=tuple(enforced),
            not_enforced=tuple(not_enforced),
            tmpdir=tmp,
        )

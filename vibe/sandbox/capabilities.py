"""Giving up every capability before exec, for backends that do not do it themselves (Landlock).

A command vibe runs as root (CI does) would otherwise keep root's capabilities: it could make a
device node for the disk in the workspace and write to it, load kernel modules, change the
clock. Landlock restricts paths, not privileges, so the child drops them itself, between fork
and exec:

1. the bounding set is emptied, so no later exec can gain a capability back;
2. the securebits say root is not special (no capabilities for uid 0 at exec, none kept or
   restored on uid changes), and lock that;
3. ambient capabilities are cleared, then effective, permitted and inheritable ones;
4. no_new_privs is set, so setuid and file capabilities raise nothing either.

Steps 1 and 2 need CAP_SETPCAP: as an unprivileged user they fail, harmlessly (there is nothing
to drop). Only system calls run here: this is code between fork and exec.
"""

from __future__ import annotations

import ctypes
import errno
from pathlib import Path

_PR_CAPBSET_DROP = 24
_PR_SET_SECUREBITS = 28
_PR_SET_NO_NEW_PRIVS = 38
_PR_CAP_AMBIENT = 47
_PR_CAP_AMBIENT_CLEAR_ALL = 4
# SECBIT_NOROOT, SECBIT_NO_SETUID_FIXUP and SECBIT_KEEP_CAPS, each with its lock bit; KEEP_CAPS
# itself stays off (locked off), and NO_CAP_AMBIENT_RAISE is set and locked.
_SECUREBITS = 0b1 | 0b10 | 0b100 | 0b1000 | 0b100000 | 0b1000000 | 0b10000000
_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


_libc = ctypes.CDLL(None, use_errno=True)


def last_capability() -> int:
    """The highest capability number this kernel knows (read once, in the parent)."""
    try:
        return int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        return 63


class CapabilityError(OSError):
    pass


def drop_all_capabilities(last_cap: int) -> None:
    """Runs in the child before exec; raises CapabilityError when a step that must work fails."""
    for cap in range(last_cap + 1):
        if _libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 and ctypes.get_errno() not in (
            errno.EPERM,
            errno.EINVAL,
        ):
            _fail("prctl(PR_CAPBSET_DROP)")
    if _libc.prctl(_PR_SET_SECUREBITS, _SECUREBITS, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EPERM:
        _fail("prctl(PR_SET_SECUREBITS)")
    if (
        _libc.prctl(_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0
        and ctypes.get_errno() != errno.EINVAL
    ):
        _fail("prctl(PR_CAP_AMBIENT_CLEAR_ALL)")
    header = _CapHeader(_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()  # all zero: no capability at all
    if _libc.capset(ctypes.byref(header), data) != 0:
        _fail("capset")
    if _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        _fail("prctl(PR_SET_NO_NEW_PRIVS)")


def _fail(what: str) -> None:
    code = ctypes.get_errno()
    raise CapabilityError(code, f"{what}: {errno.errorcode.get(code, code)}")

"""Replacing a file beneath a folder without following symbolic links, race-free.

A file tool's change is approved for a path that was resolved when the change was prepared. By
the time it is written, a folder on the way may have been swapped for a symlink (to `.git/hooks`,
to a file outside the workspace). Resolving the path again by name would follow that symlink; so
the folder is opened relative to a descriptor of the root, refusing symlinks at every step, and
the new content is written to a temporary file and renamed over the target *inside that open
folder*. Whatever is swapped after the folder is open cannot redirect the write.

Opening uses openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) where the kernel has it (Linux 5.6),
else a walk of O_NOFOLLOW | O_DIRECTORY opens, one component at a time: the same guarantee, a
few more system calls. The target is replaced, never written in place, so a file with other
hard links (one may point into `.git`, or outside the workspace) keeps its other names' content.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import stat
import sys
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

__all__ = ["SymlinkInTheWayError", "open_folder_beneath", "replace_file"]

# openat2 has the same number on every architecture (added after the syscall tables were unified).
_SYS_OPENAT2 = 437
_RESOLVE_NO_MAGICLINKS = 0x02
_RESOLVE_NO_SYMLINKS = 0x04
_RESOLVE_BENEATH = 0x08
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
# Refused by a seccomp filter (containers), or unknown to the kernel: use the component walk.
_NO_OPENAT2 = (errno.ENOSYS, errno.EPERM, errno.EINVAL, errno.E2BIG)


class SymlinkInTheWayError(OSError):
    """A folder (or the file itself) on the way is now a symbolic link: nothing was written."""


class _OpenHow(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]


_libc = ctypes.CDLL(None, use_errno=True)
# None until the first call says whether the kernel (and any seccomp filter) allows openat2.
_openat2_works: bool | None = None if sys.platform == "linux" else False


def _openat2(dir_fd: int, relative: str) -> int | None:
    """The folder `relative` beneath `dir_fd`, or None when openat2 cannot be used here."""
    global _openat2_works
    if _openat2_works is False:
        return None
    how = _OpenHow(_DIR_FLAGS, 0, _RESOLVE_BENEATH | _RESOLVE_NO_SYMLINKS | _RESOLVE_NO_MAGICLINKS)
    fd = int(
        _libc.syscall(
            ctypes.c_long(_SYS_OPENAT2),
            ctypes.c_int(dir_fd),
            ctypes.c_char_p(os.fsencode(relative)),
            ctypes.byref(how),
            ctypes.c_size_t(ctypes.sizeof(how)),
        )
    )
    if fd >= 0:
        _openat2_works = True
        return fd
    code = ctypes.get_errno()
    if code in _NO_OPENAT2 and _openat2_works is None:
        _openat2_works = False
        return None
    raise OSError(code, os.strerror(code), relative)


def _open_component(dir_fd: int, name: str, create: bool) -> int:
    try:
        return _open_nofollow(dir_fd, name)
    except FileNotFoundError:
        if not create:
            raise
    # Made meanwhile: opened below like any other, never followed if a symlink.
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, 0o777, dir_fd=dir_fd)
    return _open_nofollow(dir_fd, name)


def _open_nofollow(dir_fd: int, name: str) -> int:
    try:
        return os.open(name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=dir_fd)
    except NotADirectoryError:
        # O_DIRECTORY is checked before O_NOFOLLOW: a symlink (even to a folder) lands here.
        if stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode):
            raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), name) from None
        raise


def _walk(root_fd: int, parts: Sequence[str], create: bool) -> int:
    """Open `parts` one by one beneath `root_fd`, creating missing folders when asked."""
    fd = os.dup(root_fd)
    try:
        for part in parts:
            following = _open_component(fd, part, create)
            os.close(fd)
            fd = following
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_folder_beneath(root_fd: int, parts: Sequence[str], *, create: bool = False) -> int:
    """A descriptor of the folder `parts` beneath `root_fd`, reached without following a symlink
    (ELOOP, as SymlinkInTheWayError, when one is in the way); missing folders are made if `create`."""
    if any(part in ("", ".", "..") or "/" in part for part in parts):
        raise ValueError(f"not a plain relative path: {'/'.join(parts)!r}")
    try:
        if not parts:
            return os.dup(root_fd)
        try:
            fd = _openat2(root_fd, "/".join(parts))
        except FileNotFoundError:
            if not create:
                raise
            fd = None
        return fd if fd is not None else _walk(root_fd, parts, create)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EXDEV):
            raise SymlinkInTheWayError(
                errno.ELOOP,
                "a folder on the way is now a symbolic link (it was not when the change was "
                "prepared), so nothing was written",
                "/".join(parts),
            ) from exc
        raise


def _new_file_mode() -> int:
    """0o666 less the umask, read without changing it (os.umask would race other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o644


def replace_file(path: Path, data: bytes, *, root: Path | None = None) -> None:
    """Replace (or create) `path` with `data`, atomically, creating missing parent folders.

    `path` is absolute and already symlink-resolved; no symlink below `root` (default `/`) is
    followed, the file itself included. Keeps an existing file's mode (and, when run as root,
    its owner). Raises SymlinkInTheWayError, IsADirectoryError, or OSError.
    """
    base = root if root is not None else Path(path.anchor)
    relative = PurePosixPath(path.relative_to(base))
    if not relative.parts:
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    root_fd = os.open(base, _DIR_FLAGS)
    try:
        folder = open_folder_beneath(root_fd, relative.parent.parts, create=True)
    finally:
        os.close(root_fd)
    try:
        _replace_in(folder, relative.name, data, str(path))
    finally:
        os.close(folder)


def _replace_in(folder: int, name: str, data: bytes, shown: str) -> None:
    try:
        current: os.stat_result | None = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        current = None
    if current is not None:
        if stat.S_ISLNK(current.st_mode):
            raise SymlinkInTheWayError(
                errno.ELOOP,
                "it is now a symbolic link (it was not when the change was prepared), so nothing was written",
                shown,
            )
        if stat.S_ISDIR(current.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
        if not stat.S_ISREG(current.st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a named pipe, socket or device)", shown)
    temporary = f".{name[:100]}.{secrets.token_hex(4)}.vibe-tmp"
    fd = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=folder
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if current is not None and os.geteuid() == 0:
                os.fchown(handle.fileno(), current.st_uid, current.st_gid)
            os.fchmod(handle.fileno(), stat.S_IMODE(current.st_mode) if current else _new_file_mode())
            os.fsync(handle.fileno())
        os.replace(temporary, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary, dir_fd=folder)
        raise

"""What a bubblewrap sandbox shows of the kernel and of the host's sockets.

Kernel knobs. A fresh procfs is mounted for the command's PID namespace, and procfs files are
owned by root: a command running as root (CI) could write `/proc/sys` or `/proc/sysrq-trigger`
without any capability, since the file mode alone allows it. So the knobs are bound read-only
and the files that only leak the host's state are masked, as container runtimes do. `/sys` is
read-only already (the whole `/` is bound read-only, recursively).

Sockets. Connecting to a Unix socket needs no write access to the file system, so a read-only
view does not stop a command from talking to the Docker daemon, an ssh-agent, D-Bus or tmux.
With the network off, the user's runtime folder (`$XDG_RUNTIME_DIR`) is replaced by an empty
one, and so is the folder of every other socket the kernel lists as bound (`/proc/net/unix`)
outside the workspace (`/tmp/.X11-unix`, `/tmp/tmux-0`, `/run/docker`, ...), unless that folder
holds more than sockets (`/tmp` itself, the home folder, `/var/tmp`, system folders): then the
socket itself is covered by an empty file. `/tmp` as a whole stays visible (read-only): toolchains
and checkouts live there too. A socket created
after the command started is not covered; with the network on, sockets stay reachable (the
report says so).
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

# Made read-only even where this kernel does not list them (`--ro-bind-try` skips what is absent).
_ALWAYS_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus", "fs", "mtrr", "acpi")
# Per-process entries (the sandbox's own processes) and links to them: left as they are.
_PER_PROCESS = frozenset({"self", "thread-self", "net", "mounts"})
# Only ever read to learn about the host: hidden (an empty file or folder in their place).
_MASKED = (
    "/proc/kcore",
    "/proc/keys",
    "/proc/kallsyms",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/asound",
    "/proc/scsi",
    "/sys/firmware",
)
_PROC_NET_UNIX = Path("/proc/net/unix")
# Above this many sockets to cover, the command line (and the mount count) would grow without
# bound; the rest stay reachable and the count is logged.
MAX_COVERED_SOCKETS = 256


@functools.cache
def _kernel_wide_proc_entries() -> tuple[str, ...]:
    """Every kernel-wide /proc entry that is a folder or a writable file: root could write it.
    Listed once per process: these are the kernel's and do not change while vibe runs."""
    names: set[str] = set(_ALWAYS_READ_ONLY)
    with contextlib.suppress(OSError), os.scandir("/proc") as entries:
        for entry in entries:
            if entry.name.isdigit() or entry.name in _PER_PROCESS:
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode) or (stat.S_ISREG(info.st_mode) and info.st_mode & 0o222):
                names.add(entry.name)
    masked = {Path(path).name for path in _MASKED if path.startswith("/proc/")}
    return tuple(sorted(names - masked))


def kernel_mounts(empty_dir: str) -> list[str]:
    """bwrap arguments, after `--proc /proc`: knobs read-only, host-state files masked."""
    args: list[str] = []
    for name in _kernel_wide_proc_entries():
        args += ["--ro-bind-try", f"/proc/{name}", f"/proc/{name}"]
    for path in _MASKED:
        if Path(path).is_dir():
            args += ["--ro-bind", empty_dir, path]
        elif Path(path).exists():
            args += ["--ro-bind", "/dev/null", path]
    return args


def namespace_args(privileged: bool) -> list[str]:
    """Namespaces and capabilities. As root, also a user namespace: root inside maps to root
    outside, but holds no capability over the host's namespaces, and the bounding set of what
    it runs is empty, so nothing it executes can gain one back."""
    args = ["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if privileged:
        args.append("--unshare-user")
    return [*args, "--die-with-parent", "--new-session", "--cap-drop", "ALL"]


def runtime_dirs(env: Mapping[str, str]) -> list[str]:
    """Folders that hold sockets and nothing a command needs, replaced by empty ones."""
    found: list[str] = []
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and Path(runtime).is_absolute() and Path(runtime).is_dir():
        found.append(os.path.realpath(runtime))
    return found


def hidden_runtime_mounts(hidden: Sequence[str]) -> list[str]:
    """bwrap arguments replacing each folder by an empty tmpfs; they must come before the
    workspace binds, so a workspace under /tmp is bound back on top."""
    args: list[str] = []
    for folder in hidden:
        args += ["--tmpfs", folder]
    return args


def listed_sockets(table: Path = _PROC_NET_UNIX) -> list[str]:
    """Paths of the Unix sockets bound on the file system in this network namespace."""
    try:
        lines = table.read_text(encoding="utf-8", errors="surrogateescape").splitlines()[1:]
    except OSError:
        return []
    paths: list[str] = []
    for line in lines:
        fields = line.split(None, 7)
        # Num RefCount Protocol Flags Type St Inode Path; abstract sockets start with "@".
        if len(fields) == 8 and fields[7].startswith("/"):
            paths.append(fields[7])
    return paths


# Folders never hidden whole, whatever socket they hold: commands need what else is in them.
_NEVER_HIDDEN = (
    "/",
    "/tmp",
    "/var",
    "/var/tmp",
    "/var/lib",
    "/etc",
    "/usr",
    "/opt",
    "/srv",
    "/home",
    "/root",
)


def socket_hiding(
    sockets: Iterable[str], keep: Sequence[Path], hidden: Sequence[str], home: str | None
) -> tuple[list[str], list[str]]:
    """How to put the listed sockets out of reach: (folders to replace by an empty one, single
    sockets to cover). A socket's folder is hidden whole when it holds nothing a command needs
    (not a system folder, not the home folder, not an ancestor of the workspace): a folder, unlike
    a socket, does not vanish between this look and bubblewrap's mount, which would fail the
    command. Sockets inside the workspace (the project's own) or an already hidden folder stay."""
    never = {*_NEVER_HIDDEN, *((os.path.realpath(home),) if home else ())}
    folders: list[str] = []
    files: list[str] = []
    covered = [Path(folder) for folder in hidden]
    for raw in dict.fromkeys(sockets):
        path = Path(raw)
        if any(path.is_relative_to(folder) for folder in (*keep, *covered)):
            continue
        try:
            if not stat.S_ISSOCK(path.lstat().st_mode):
                continue
        except OSError:
            continue
        parent = path.parent
        if str(parent) not in never and not any(root.is_relative_to(parent) for root in keep):
            folders.append(str(parent))
            covered.append(parent)
        else:
            files.append(raw)
        if len(folders) + len(files) >= MAX_COVERED_SOCKETS:
            break
    kept = outermost(folders)
    return kept, [f for f in files if not any(Path(f).is_relative_to(o) for o in kept)]


def outermost(folders: Sequence[str]) -> list[str]:
    """Without those inside another: once that one is empty, they no longer exist to mount on."""
    unique = list(dict.fromkeys(folders))
    return [f for f in unique if not any(f != o and Path(f).is_relative_to(o) for o in unique)]


def socket_covers(paths: Sequence[str]) -> list[str]:
    args: list[str] = []
    for path in paths:
        args += ["--ro-bind", "/dev/null", path]
    return args

"""Commands that try to change the host from inside a sandbox, without harming it if they succeed.

Kernel knobs are only ever opened for writing (which changes nothing) or written with the value
they already hold; a listening socket counts the connections it accepts. Each command prints
what it managed, so a test asserts on the output that the attack did nothing.
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import tempfile
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

from support.identities import shared_python

# Kernel-wide settings a root process could change through file permissions alone.
KNOBS = (
    "/proc/sys/vm/swappiness",
    "/proc/sys/kernel/core_pattern",
    "/proc/sys/kernel/modprobe",
    "/proc/sys/fs/binfmt_misc/register",
    "/proc/sysrq-trigger",
    "/proc/mtrr",
    "/sys/kernel/mm/ksm/sleep_millisecs",
    "/sys/module/printk/parameters/time",
    "/sys/kernel/uevent_helper",
    "/sys/fs/cgroup/cgroup.procs",
)

_OPEN_FOR_WRITING = """
import os, sys
for path in sys.argv[1:]:
    try:
        os.close(os.open(path, os.O_WRONLY))
    except OSError as exc:
        print("refused", path, exc.errno)
    else:
        print("OPENED", path)
"""

_SAME_VALUE = 'v=$(cat {knob}) && printf "%s\\n" "$v" > {knob} && echo "WROTE {knob}"'

_CONNECT = """
import socket, sys
for path in sys.argv[1:]:
    try:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)
    except OSError as exc:
        print("refused", path, exc.errno)
    else:
        print("CONNECTED", path)
"""

_STATUS = "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status"


def writable_knobs() -> list[str]:
    """The knobs of this host that the test's own user could open for writing outside a sandbox."""
    return [knob for knob in KNOBS if Path(knob).exists() and os.access(knob, os.W_OK)]


def python_command(script: str, *args: str) -> str:
    return " ".join(shlex.quote(part) for part in (shared_python(), "-c", script, *args))


def open_knobs_command(knobs: list[str]) -> str:
    return python_command(_OPEN_FOR_WRITING, *knobs)


def same_value_command(knob: str = "/proc/sys/vm/swappiness") -> str:
    """Writes the knob's own value back: the lead's `echo 60 > /proc/sys/vm/swappiness`, harmless."""
    return _SAME_VALUE.format(knob=shlex.quote(knob))


def connect_command(paths: list[Path]) -> str:
    return python_command(_CONNECT, *(str(path) for path in paths))


def status_command() -> str:
    return _STATUS


def capabilities(output: str) -> dict[str, str]:
    """The capability sets and NoNewPrivs from /proc/self/status lines in `output`."""
    found: dict[str, str] = {}
    for line in output.splitlines():
        name, _, value = line.partition(":")
        if name in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs"):
            found[name] = value.strip()
    return found


class Listener:
    """A Unix socket server outside the sandbox. Nothing accepts while the command runs: a
    connection that succeeded waits in the backlog, so `connections()` counts them afterwards
    without any race."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._server = socket.socket(socket.AF_UNIX)
        self._server.bind(str(path))
        path.chmod(0o777)  # any identity may connect: only the sandbox should stop it
        self._server.listen(16)
        self._server.setblocking(False)

    def connections(self) -> int:
        count = 0
        while True:
            try:
                client, _ = self._server.accept()
            except BlockingIOError:
                return count
            client.close()
            count += 1

    def close(self) -> None:
        self._server.close()
        self.path.unlink(missing_ok=True)


@contextmanager
def listening(path: Path) -> Generator[Listener]:
    listener = Listener(path)
    try:
        yield listener
    finally:
        listener.close()


@contextmanager
def socket_outside(prefix: str, name: str) -> Generator[Path]:
    """A listening Unix socket in a folder of its own under /var/tmp (outside the workspace, /tmp
    and the runtime folders), that every identity may connect to; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/var/tmp"))
    folder.chmod(0o755)
    try:
        with listening(folder / name) as listener:
            yield listener.path
    finally:
        shutil.rmtree(folder, ignore_errors=True)

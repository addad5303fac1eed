"""The supervisor of one command where no PID namespace ends it (Landlock, or no sandbox).

    python -I -S supervise.py [--report FILE] [--scope-signals] -- COMMAND ARGS...

Run by vibe as the command's parent, it makes sure nothing the command starts outlives it or
vibe, whatever the command does (`setsid`, double forks, `env -i`, `nohup`):

- it is a *child subreaper*: every orphan among the command's descendants is re-parented to it,
  not to init, so it can always find them;
- when the command exits, it kills whatever is left of that tree, reaps it, and exits with the
  command's own status (it writes "stopped" to `--report` when it had to stop something);
- it has a parent-death signal: when vibe dies (even `kill -9`), the kernel sends it SIGTERM
  and it kills the whole tree before it goes;
- with `--scope-signals` (Landlock ABI >= 6) the command runs in a nested Landlock domain that
  may not signal processes outside it, so the command cannot kill its supervisor to escape.

It runs in a fresh interpreter (`-I -S`: no site, no environment options) from a compiled
copy (see base.py), for every command, so its start-up is the sandbox's overhead: it imports
only `os`, `sys`, `ctypes` and the C signal module (the `signal` module would pull in `enum`,
and `contextlib` its own imports, ~5 ms together).
"""

# `_signal` has no type stubs; this module uses only its plain functions and int constants.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false, reportUnknownArgumentType=false

from __future__ import annotations

import _signal as signal  # pyright: ignore[reportMissingImports] - C module; `signal` imports enum (~2 ms)
import ctypes
import os
import sys
import time

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36
_SYS_CREATE_RULESET = 444
_SYS_RESTRICT_SELF = 446
_SCOPE_SIGNAL = 1 << 1
_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# How long the command's leftovers may take to end on their own before they are stopped.
_SETTLE_SECONDS = 0.25
_SETTLE_STEPS = 25


class _Ruleset(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


def _children() -> list[int]:
    """This process's live children, adopted orphans included."""
    me = str(os.getpid()).encode()
    found: list[int] = []
    for name in os.listdir("/proc"):  # noqa: PTH208 - pathlib would add to every start-up
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) >= 2 and fields[1] == me and fields[0] != b"Z":
            found.append(int(name))
    return found


def _reap_all(blocking: bool) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, 0 if blocking else os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _kill_tree() -> bool:
    """SIGKILL every descendant until none is left (a dying parent hands its children to us).
    True if there was any."""
    killed = False
    for _ in range(1000):
        children = _children()
        if not children:
            break
        killed = True
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
        _reap_all(blocking=False)
    _reap_all(blocking=False)
    return killed


def _ended_on_its_own() -> bool:
    """Whether what the command leaves ends by itself within a moment: a pipeline's writer gets
    SIGPIPE only after the command has exited. Not a background process to report."""
    for _ in range(_SETTLE_STEPS):
        _reap_all(blocking=False)
        if not _children():
            return True
        time.sleep(_SETTLE_SECONDS / _SETTLE_STEPS)
    return False


def _scope_signals(libc: ctypes.CDLL) -> None:
    """A nested Landlock domain that only scopes signals: the command cannot signal us."""
    attr = _Ruleset(0, 0, _SCOPE_SIGNAL)
    fd = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(24), ctypes.c_uint32(0))
    if fd < 0 or libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(fd), ctypes.c_uint32(0)) != 0:
        os.write(2, b"vibe supervisor: could not scope the command's signals\n")
        os._exit(126)
    os.close(fd)


def _exit_like(status: int) -> None:
    """Exit as the command did: the same code, or the same signal."""
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:  # noqa: SIM105 - contextlib costs ~3 ms of start-up here
            signal.signal(number, signal.SIG_DFL)
        except (OSError, ValueError):
            pass  # SIGKILL and SIGSTOP cannot be handled: they are default already
        os.kill(os.getpid(), number)
    os._exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 1)


_report: str | None = None  # where to note that background processes were stopped


def _on_stop(signum: int, _frame: object) -> None:
    """vibe is gone, or stops the command: the whole tree goes, then the supervisor."""
    _kill_tree()
    _write_report(_report)
    os._exit(128 + signum)


def _write_report(report: str | None) -> None:
    if report:
        try:
            with open(report, "w") as handle:
                handle.write("stopped\n")
        except OSError:
            pass


def main(argv: list[str]) -> None:
    global _report
    scope = False
    while argv and argv[0] != "--":
        option = argv.pop(0)
        if option == "--report":
            _report = argv.pop(0)
        elif option == "--scope-signals":
            scope = True
    command = argv[1:]
    if not command:
        os.write(2, b"vibe supervisor: no command\n")
        os._exit(2)
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getppid()
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # vibe died before the death signal was armed
        os._exit(1)
    for number in _STOP_SIGNALS:
        signal.signal(number, _on_stop)
    pid = os.fork()
    if pid == 0:
        # Python ignores SIGPIPE and SIGXFSZ, and an ignored signal survives exec: without this,
        # `yes | head` would end with "Broken pipe" errors instead of quietly.
        for number in (*_STOP_SIGNALS, signal.SIGPIPE, signal.SIGXFSZ):
            signal.signal(number, signal.SIG_DFL)
        if scope:
            _scope_signals(libc)
        try:
            os.execvp(command[0], command)
        except OSError as exc:
            os.write(2, f"vibe: cannot run {command[0]}: {exc.strerror}\n".encode())
            os._exit(127 if isinstance(exc, FileNotFoundError) else 126)
    status = 0
    while True:
        try:
            done, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if done == pid:
            break
    if not _ended_on_its_own() and _kill_tree():
        _write_report(_report)
    _exit_like(status)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Starting the MCP client process (`vibe.tools.mcp.host`), possibly long before it is needed.

A headless run that must wait for its MCP servers starts the process as its very first step
(`prestart`), so that the SDK loads on the other core while vibe itself starts; the client
then adopts it (`take_prestarted`). Everything else starts it when the first server starts.
Importing this module costs next to nothing: it runs before vibe has loaded anything.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

__all__ = ["HostProcess", "prestart", "spawn_host", "take_prestarted"]


@dataclass(slots=True)
class HostProcess:
    """The MCP client process, with vibe's end of the socket that hands it servers' pipes."""

    popen: subprocess.Popen[bytes]
    channel: socket.socket


_prestarted: HostProcess | None = None


def spawn_host(errors_log: Path) -> HostProcess:
    """The MCP client process, running; what it writes to stderr (a crash) goes to `errors_log`."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    # `-P`: the working folder (a repository, perhaps not trusted) is not on the import path,
    # so a `vibe/` folder in it cannot stand in for vibe's own modules.
    argv = [sys.executable, "-P", "-m", "vibe.tools.mcp.host", str(theirs.fileno()), str(os.getpid())]
    errors = _open_log(errors_log)
    try:
        popen = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors if errors is not None else subprocess.DEVNULL,
            pass_fds=(theirs.fileno(),),
            # No pre-exec step (it dies with vibe by its own request): Python can then vfork,
            # instead of copying the memory map of a terminal UI or an editor's vibe.
        )
    except BaseException:
        ours.close()
        raise
    finally:
        theirs.close()
        if errors is not None:
            errors.close()
    return HostProcess(popen, ours)


def prestart(errors_log: Path) -> None:
    """Starts the process now for a run that will need it; harmless if it never does (it
    exits when vibe does)."""
    global _prestarted
    if _prestarted is None:
        try:
            _prestarted = spawn_host(errors_log)
        except OSError:
            _prestarted = None  # started again, and then failing clearly, when a server starts


def take_prestarted() -> HostProcess | None:
    """The process `prestart` started, if it is still running; only the first caller gets it."""
    global _prestarted
    host, _prestarted = _prestarted, None
    if host is not None and host.popen.poll() is not None:
        host.channel.close()
        return None
    return host


def _open_log(path: Path) -> IO[bytes] | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return path.open("ab")
    except OSError:
        return None

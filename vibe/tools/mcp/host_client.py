"""vibe's end of the MCP client process: one per event loop, shared by every MCP server.

The process starts with the first server (or was prestarted for a headless run) and is told
to stop when the last server's source is closed. Requests carry an id and are answered by a
reply; what happens to a server arrives as events, handed to the handler registered for its
key. If the process itself ends unexpectedly, every server hears that it failed and every
call in flight gets an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import socket
import subprocess
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from vibe.tools.mcp.host_process import HostProcess, spawn_host, take_prestarted

__all__ = ["HostCallError", "McpHost", "acquire_host"]

log = logging.getLogger("vibe.tools.mcp")

EventHandler = Callable[[dict[str, Any]], None]
# Replies carry at most a capped tool result, but a listing of many tools' schemas is longer.
_MAX_LINE_BYTES = 64 * 1024 * 1024
# Seconds the process has to stop its servers (each bounded on its side) and exit.
_EXIT_SECONDS = 20.0
_EXIT_GRACE_SECONDS = 5.0
GONE = "vibe's MCP client process ended unexpectedly"

_hosts: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, McpHost] = weakref.WeakKeyDictionary()


class HostCallError(Exception):
    """A call the process could not answer; the message says why, for the user."""


def acquire_host(errors_log: Path) -> McpHost:
    """The running loop's process (started now if there is none, or it ended), with one more
    user; each user calls `release` once."""
    loop = asyncio.get_running_loop()
    host = _hosts.get(loop)
    if host is None or host.ended:
        host = McpHost(take_prestarted() or spawn_host(errors_log))
        _hosts[loop] = host
    host.users += 1
    return host


class McpHost:
    def __init__(self, host: HostProcess) -> None:
        self.users = 0
        self.ended = False
        self._process = host.popen
        self._channel = host.channel
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._handlers: dict[str, EventHandler] = {}
        self._writer: asyncio.WriteTransport | None = None
        self._reader = asyncio.create_task(self._read(), name="mcp client process")

    def start_server(self, key: str, on_event: EventHandler, **request: Any) -> None:
        self._handlers[key] = on_event
        self._send({"op": "start", "key": key, **request})

    def hand_over_pipes(self, key: str, pipes: tuple[int, int]) -> None:
        """Gives the process a stdio server's (stdout, stdin) pipe ends, and closes vibe's copies
        (the server must see its input end when the process closes it)."""
        try:
            if not self.ended:
                socket.send_fds(self._channel, [key.encode()], list(pipes))
        except OSError as exc:
            log.warning("MCP client process: could not hand over a server's pipes: %s", exc)
        finally:
            for fd in pipes:
                os.close(fd)

    def stop_server(self, key: str) -> None:
        self._send({"op": "stop", "key": key})

    def forget(self, key: str) -> None:
        self._handlers.pop(key, None)

    async def request(self, op: str, key: str, **fields: Any) -> tuple[str, bool]:
        """(text, is_error) of a tool call or a prompt; HostCallError saying why not. A cancelled
        request is cancelled in the process too (the SDK tells the server)."""
        if self.ended:
            raise HostCallError(GONE)
        ident = next(self._ids)
        answer = asyncio.get_running_loop().create_future()
        self._pending[ident] = answer
        self._send({"op": op, "id": ident, "key": key, **fields})
        try:
            reply = await answer
        except asyncio.CancelledError:
            self._send({"op": "cancel", "id": ident})
            raise
        finally:
            self._pending.pop(ident, None)
        if "error" in reply:
            raise HostCallError(str(reply["error"]))
        return str(reply.get("text", "")), bool(reply.get("is_error"))

    async def release(self) -> None:
        self.users -= 1
        if self.users > 0:
            return
        if _hosts.get(asyncio.get_running_loop()) is self:
            del _hosts[asyncio.get_running_loop()]
        await self._close()

    async def _close(self) -> None:
        """Ends stdin, which tells the process to stop its servers and exit; bounded."""
        writer = self._writer
        if writer is not None:
            writer.close()
        elif self._process.stdin is not None:
            self._process.stdin.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self._reader), _EXIT_SECONDS)
        try:  # its output has ended: it is leaving (its interpreter's own exit is quick)
            await asyncio.to_thread(self._process.wait, _EXIT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self._process.kill()
            await asyncio.to_thread(self._process.wait)

    def _send(self, message: dict[str, Any]) -> None:
        line = json.dumps(message).encode() + b"\n"
        if self._writer is None:
            # The pipes are not connected to the loop yet: written at once all the same (a
            # few short lines, which the process reads as they come), so that the first
            # servers start while vibe is still busy setting up.
            stdin = self._process.stdin
            if stdin is not None and not stdin.closed:
                with contextlib.suppress(OSError):
                    stdin.write(line)
                    stdin.flush()
        elif not self._writer.is_closing():
            self._writer.write(line)

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=_MAX_LINE_BYTES)
        try:
            assert self._process.stdout is not None and self._process.stdin is not None
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), self._process.stdout)
            writer, _protocol = await loop.connect_write_pipe(asyncio.Protocol, self._process.stdin)
            self._writer = writer
            while line := await reader.readline():
                self._dispatch(line)
        except asyncio.CancelledError:  # vibe's loop is ending: so is the process, with vibe
            self.ended = True
            self._channel.close()
            raise
        except (OSError, ValueError) as exc:  # ValueError: a line over the limit
            log.warning("MCP client process: %s", exc)
        self._ended()

    def _dispatch(self, line: bytes) -> None:
        try:
            message = cast(dict[str, Any], json.loads(line))
        except ValueError:
            return
        if "reply" in message:
            answer = self._pending.get(int(message["reply"]))
            if answer is not None and not answer.done():
                answer.set_result(message)
        elif "log" in message:
            log.log(int(message["log"]), "%s", message.get("message", ""))
        elif "key" in message:
            handler = self._handlers.get(str(message["key"]))
            if handler is not None:
                handler(message)

    def _ended(self) -> None:
        """The process is gone (or its output unreadable): nothing more will come from it."""
        self.ended = True
        self._channel.close()
        for answer in self._pending.values():
            if not answer.done():
                answer.set_result({"error": GONE})
        handlers = list(self._handlers.values())
        self._handlers.clear()
        for handler in handlers:
            handler({"event": "failed", "error": GONE})
            handler({"event": "ended"})

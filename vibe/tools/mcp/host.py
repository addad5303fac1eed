"""The MCP client process: runs vibe's MCP servers' sessions, apart from vibe's own process.

    python -m vibe.tools.mcp.host CHANNEL_FD VIBE_PID

Loading the `mcp` SDK's client costs about half a second of CPU (it defines some five hundred
pydantic models); in vibe's process that would stall its start-up and its TUI for as long,
since threads share one interpreter lock. Here it loads on the machine's other core while vibe
starts, and a headless run is started early enough that its first request barely waits.

vibe spawns stdio servers itself (in its sandbox) and hands this process the ends of their
pipes over the socket CHANNEL_FD, each message the server's key with two descriptors. The rest
is JSON lines: requests on stdin, replies and events on stdout (`vibe.tools.mcp.host_client`
is the other end). Each server is known by the key vibe gives it:
- `{"op": "start", "key", "endpoint", "timeout"}` starts one; it reports
  `{"key", "event": "progress" | "ready" | "failed" | "ended", ...}` as things happen;
- `{"op": "stop", "key"}` stops one (it reports "ended");
- `{"op": "call" | "prompt", "id", "key", ...}` calls a tool or fetches a prompt, answered by
  `{"reply": id, "text", "is_error"}` or `{"reply": id, "error"}`; `{"op": "cancel", "id"}`.
Its log records go to vibe as `{"log": level, "message"}`. When stdin ends (vibe exited, or
died), it stops every session and exits; the kernel also ends it if vibe dies first.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import signal
import socket
import sys
from typing import TYPE_CHECKING, Any

from vibe.sandbox.lifeline import die_with_parent
from vibe.tools.mcp.sdk_loader import load_sdk

if TYPE_CHECKING:
    from vibe.tools.mcp.connection import ServerConnection

__all__ = ["main"]

# A single request longer than this is refused (tool arguments come from the model).
MAX_LINE_BYTES = 64 * 1024 * 1024
_KEY_BYTES = 256


class _Host:
    def __init__(self, out: asyncio.WriteTransport, sdk: asyncio.Future[None]) -> None:
        self._out = out
        self._sdk = sdk
        self._connections: dict[str, ServerConnection] = {}
        self._calls: dict[int, asyncio.Task[None]] = {}
        self._stopping: set[asyncio.Task[None]] = set()
        # A stdio server's pipe ends, by key: they may come before or after its start request.
        self._pipes: dict[str, asyncio.Future[tuple[int, int]]] = {}

    def send(self, message: dict[str, Any]) -> None:
        if not self._out.is_closing():
            self._out.write(json.dumps(message).encode() + b"\n")

    def handle(self, request: dict[str, Any]) -> None:
        op = request.get("op")
        if op == "start":
            self._start(request)
        elif op == "stop":
            key = str(request["key"])
            self._drop_pipes(key)
            connection = self._connections.pop(key, None)
            if connection is not None:
                self._track(asyncio.create_task(connection.stop()))
        elif op in ("call", "prompt"):
            ident = int(request["id"])
            task = asyncio.create_task(self._answer(ident, request))
            self._calls[ident] = task
            task.add_done_callback(lambda _done: self._calls.pop(ident, None))
        elif op == "cancel":
            task = self._calls.get(int(request["id"]))
            if task is not None:
                task.cancel()

    def take_pipes(self, channel: socket.socket) -> None:
        """Reads one handed-over pair of pipe ends (the channel is readable)."""
        try:
            key, fds, _flags, _address = socket.recv_fds(channel, _KEY_BYTES, 2)
        except BlockingIOError:
            return
        if not key:  # vibe closed its end
            asyncio.get_running_loop().remove_reader(channel.fileno())
            return
        waiter = self._pipes.setdefault(key.decode(), asyncio.get_running_loop().create_future())
        if len(fds) != 2 or waiter.done():
            for fd in fds:
                os.close(fd)
            return
        waiter.set_result((fds[0], fds[1]))

    async def close(self) -> None:
        """Stops every session at once (each bounded), then whatever was still stopping."""
        for task in self._calls.values():
            task.cancel()
        for connection in self._connections.values():
            self._track(asyncio.create_task(connection.stop()))
        self._connections.clear()
        for key in list(self._pipes):
            self._drop_pipes(key)
        if self._stopping:
            await asyncio.wait(self._stopping)

    def _start(self, request: dict[str, Any]) -> None:
        from vibe.tools.mcp.connection import ServerConnection
        from vibe.tools.mcp.endpoint import Endpoint

        key = str(request["key"])
        endpoint = Endpoint.from_wire(request["endpoint"])

        def report(message: dict[str, Any]) -> None:
            self.send({"key": key, **message})

        async def pipes() -> tuple[int, int]:
            waiter = self._pipes.setdefault(key, asyncio.get_running_loop().create_future())
            try:
                return await waiter
            finally:
                self._pipes.pop(key, None)  # the session's now, to close

        connection = ServerConnection(
            endpoint,
            pipes=pipes if endpoint.transport == "stdio" else None,
            timeout=request.get("timeout"),
            sdk=self._sdk,
            report=report,
        )
        self._connections[key] = connection
        connection.start()

    def _drop_pipes(self, key: str) -> None:
        """Closes a server's pipe ends no session took (it was stopped before it started);
        a session that took them closes them itself."""
        waiter = self._pipes.pop(key, None)
        if waiter is None:
            return
        if waiter.done() and not waiter.cancelled():
            for fd in waiter.result():
                os.close(fd)
        else:
            waiter.cancel()

    async def _answer(self, ident: int, request: dict[str, Any]) -> None:
        from vibe.tools.mcp.connection import CallFailedError

        connection = self._connections.get(str(request["key"]))
        try:
            if connection is None:
                raise CallFailedError("the server is not running")
            if request["op"] == "call":
                text, is_error = await connection.call(str(request["tool"]), request["arguments"])
            else:
                text = await connection.get_prompt(str(request["name"]), request["arguments"])
                is_error = False
        except CallFailedError as exc:
            self.send({"reply": ident, "error": str(exc)})
        except asyncio.CancelledError:
            self.send({"reply": ident, "error": "cancelled"})
            raise
        else:
            self.send({"reply": ident, "text": text, "is_error": is_error})

    def _track(self, task: asyncio.Task[None]) -> None:
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)


class _ToVibe(logging.Handler):
    """Log records go to vibe, which writes them to its own log."""

    def __init__(self, host: _Host) -> None:
        super().__init__()
        self._host = host

    def emit(self, record: logging.LogRecord) -> None:
        self._host.send({"log": record.levelno, "message": record.getMessage()})


async def _serve(protocol_out: int, channel: socket.socket) -> None:
    loop = asyncio.get_running_loop()
    sdk = asyncio.ensure_future(asyncio.to_thread(load_sdk, http=False))
    sdk.add_done_callback(_collect_after_load)
    reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin.buffer)
    out, _protocol = await loop.connect_write_pipe(
        asyncio.Protocol, os.fdopen(protocol_out, "wb", buffering=0)
    )
    host = _Host(out, sdk)
    channel.setblocking(False)
    loop.add_reader(channel.fileno(), host.take_pipes, channel)
    logging.getLogger("vibe").addHandler(_ToVibe(host))
    logging.getLogger("vibe").setLevel(logging.INFO)
    try:
        while line := await reader.readline():
            try:
                request = json.loads(line)
            except ValueError:
                continue  # vibe writes each request whole; nothing else writes here
            if isinstance(request, dict):
                host.handle(request)  # pyright: ignore[reportUnknownArgumentType]
    except ValueError:  # a line over MAX_LINE_BYTES
        pass
    finally:
        await host.close()
        out.close()


def _collect_after_load(_loaded: asyncio.Future[None]) -> None:
    # The collector stays off while the SDK's models are defined (a tenth of the load time),
    # then what they made is kept out of every later collection.
    gc.freeze()
    gc.enable()


def main() -> None:
    die_with_parent(int(sys.argv[2]))
    gc.disable()
    # Ctrl-C in a terminal reaches the whole process group: vibe decides what it means.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    channel = socket.socket(fileno=int(sys.argv[1]))
    # Replies go out on a copy of stdout; anything else that prints lands on stderr instead.
    protocol_out = os.dup(1)
    os.dup2(2, 1)
    asyncio.run(_serve(protocol_out, channel))
    # Every session has ended and every reply is sent: nothing is left for the interpreter's
    # teardown but freeing what the SDK defined, which vibe (waiting for this exit) need not.
    os._exit(0)


if __name__ == "__main__":
    main()

"""A small MCP server for tests, written with the SDK's server API.

stdio by default; `--http` serves streamable HTTP on 127.0.0.1 (a free port, printed on stdout
once the socket listens) at /mcp, `--sse` the older HTTP+SSE protocol at /sse.
`--hang-at-start` never answers the handshake. Its prompts (`review`, `picture`) are offered
as slash commands; `--stalling-prompt` adds `stall`, which is never given.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.utilities.types import Image
from mcp_types import ToolAnnotations

server = MCPServer("vibe-test")


@server.tool(description="Echo the text back.")
def echo(text: str) -> str:
    return f"echo: {text}"


@server.tool(description="Read a word.", annotations=ToolAnnotations(read_only_hint=True))
def peek() -> str:
    return "peeked"


@server.tool(description="Return a very long text.")
def huge(lines: int) -> str:
    return "\n".join(f"line {n} " + "x" * 60 for n in range(lines))


@server.tool(description="Write text to a file.")
def write(path: str, text: str) -> str:
    try:
        Path(path).write_text(text)
    except OSError as exc:
        return f"refused: {exc.strerror}"
    return "written"


@server.tool(description="Tell where HOME is and which secrets are visible.")
def environment() -> str:
    return f"HOME={os.environ.get('HOME')} SECRET={os.environ.get('VIBE_TEST_SECRET', '-')} PID={os.getpid()}"


@server.tool(description="Connect to a TCP port on 127.0.0.1.")
def connect(port: int) -> str:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return "connected"
    except OSError as exc:
        return f"refused: {exc}"


@server.tool(description="Never answer.")
async def hang() -> str:
    await asyncio.Event().wait()
    return "unreachable"


@server.tool(description="Die without answering.")
def crash() -> str:
    os._exit(3)


@server.prompt(description="Review a file.")
def review(path: str, focus: str = "everything") -> str:
    return f"Please review {path}, looking at {focus}."


@server.prompt(description="Describe a picture.")
def picture() -> list[str | Image]:
    return ["Describe this picture:", Image(data=b"\x89PNG\r\n\x1a\n", format="png")]


async def stall() -> str:
    signal = os.environ.get("STALL_SIGNAL")  # a FIFO the test waits on: the request is here
    if signal:
        with open(signal, "w", encoding="utf-8") as fifo:
            fifo.write("stalled\n")
    await asyncio.Event().wait()
    return "unreachable"


def main() -> None:
    if "--stalling-prompt" in sys.argv:  # a prompt that is never given
        server.prompt(name="stall", description="Never given.")(stall)
    if "--hang-at-start" in sys.argv:
        sys.stdin.read()  # reads until vibe closes stdin, answering nothing
        return
    if "--http" in sys.argv or "--sse" in sys.argv:
        _serve_http(sse="--sse" in sys.argv)
        return
    server.run()


def _serve_http(*, sse: bool) -> None:
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    # Listening before uvicorn starts: a client connecting now waits in the backlog, so the
    # port can be announced at once.
    sock.listen(64)
    print(sock.getsockname()[1], flush=True)
    app = server.sse_app() if sse else server.streamable_http_app()
    config = uvicorn.Config(app, log_level="warning")
    asyncio.run(uvicorn.Server(config).serve(sockets=[sock]))


if __name__ == "__main__":
    main()

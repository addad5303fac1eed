"""How each kind of step is written to the socket: a reply, an error status, or a broken stream."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from tools.fake_mistral.fault import (
    DropFault,
    EmptyStreamFault,
    Fault,
    JsonCompletionFault,
    LateCallsFault,
    MalformedFault,
    RawFault,
    StallFault,
    StatusFault,
    TrickleFault,
)
from tools.fake_mistral.http11 import ResponseWriter
from tools.fake_mistral.render import (
    DONE,
    ChunkFactory,
    completion_body,
    error_body,
    sse,
    stream_payloads,
    usage_json,
)
from tools.fake_mistral.script import RecordedRequest, Reply


@dataclass(frozen=True)
class Answering:
    """Server settings the answer needs."""

    model: str
    chunk_delay: float  # used when the reply sets none of its own
    stopping: asyncio.Event | None  # set when the server stops: ends stalls at once


async def send_step(
    step: Reply | Fault, request: RecordedRequest, out: ResponseWriter, ctx: Answering
) -> bool:
    """Answer one chat request; False when the connection was dropped and cannot be reused."""
    match step:
        case Reply():
            return await _send_reply(step, request, out, ctx)
        case StatusFault():
            headers = [] if step.retry_after is None else [("Retry-After", _header_value(step.retry_after))]
            await out.send_json(step.status, error_body(step.status, step.message), extra_headers=headers)
            return True
        case MalformedFault():
            return await _send_malformed(step, request, out, ctx)
        case RawFault():
            await out.send_bytes(step.status, step.body, step.content_type, extra_headers=list(step.headers))
            return True
        case JsonCompletionFault():
            await out.send_json(200, completion_body(step.reply, request, ctx.model))
            return True
        case EmptyStreamFault():
            await out.start_stream()
            if step.done:
                await out.send_chunk(sse(DONE))
            await out.end_stream()
            return True
        case LateCallsFault():
            return await _send_late_calls(step, request, out, ctx)
        case TrickleFault():
            return await _send_trickle(step, out, ctx)
        case DropFault() | StallFault():
            return await _send_broken(step, request, out, ctx)


async def _send_broken(
    step: DropFault | StallFault, request: RecordedRequest, out: ResponseWriter, ctx: Answering
) -> bool:
    """A drop or a stall: some text first (when streaming), then the connection dies."""
    if request.stream:
        factory = ChunkFactory(ctx.model)
        await out.start_stream()
        for payload in [factory.opening(), *factory.text(step.text, step.chunk_size)]:
            await out.send_chunk(sse(payload))
    if isinstance(step, StallFault):
        await _wait_unless_stopping(ctx, step.seconds)
    out.abort()
    return False


async def _send_trickle(step: TrickleFault, out: ResponseWriter, ctx: Answering) -> bool:
    factory = ChunkFactory(ctx.model)
    await out.start_stream()
    for payload in [factory.opening(), *factory.text(step.text, 8)]:
        await out.send_chunk(sse(payload))
    loop = asyncio.get_running_loop()
    until = loop.time() + step.seconds
    while loop.time() < until:
        if await _wait_unless_stopping(ctx, step.every):
            break
        await out.send_chunk(step.piece)
    out.abort()
    return False


async def _wait_unless_stopping(ctx: Answering, seconds: float) -> bool:
    """Waits `seconds`, or less if the server stops meanwhile; True when it is stopping."""
    if ctx.stopping is None:
        await asyncio.sleep(seconds)
        return False
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ctx.stopping.wait(), seconds)
    return ctx.stopping.is_set()


async def _send_reply(step: Reply, request: RecordedRequest, out: ResponseWriter, ctx: Answering) -> bool:
    if not request.stream:
        await out.send_json(200, completion_body(step, request, ctx.model))
        return True
    delay = step.chunk_delay or ctx.chunk_delay
    await out.start_stream()
    for payload in stream_payloads(step, request, ctx.model):
        await out.send_chunk(sse(payload))
        if delay:
            await asyncio.sleep(delay)
    await out.end_stream()
    return True


async def _send_malformed(
    step: MalformedFault, request: RecordedRequest, out: ResponseWriter, ctx: Answering
) -> bool:
    if not request.stream:
        await out.send_bytes(200, step.line.encode(), "application/json")
        return True
    factory = ChunkFactory(ctx.model)
    usage = usage_json(Reply(text=step.before), request)
    await out.start_stream()
    for payload in [factory.opening(), *factory.text(step.before, 8)]:
        await out.send_chunk(sse(payload))
    await out.send_chunk(f"data: {step.line}\n\n".encode())
    await out.send_chunk(sse(factory.chunk({"content": ""}, "stop", usage)))
    await out.send_chunk(sse(DONE))
    await out.end_stream()
    return True


async def _send_late_calls(
    step: LateCallsFault, request: RecordedRequest, out: ResponseWriter, ctx: Answering
) -> bool:
    factory = ChunkFactory(ctx.model)
    calls = [
        {"id": c.id, "function": {"name": c.name, "arguments": c.arguments}, "index": i}
        for i, c in enumerate(step.tool_calls)
    ]
    usage = usage_json(Reply(text=step.text, tool_calls=step.tool_calls), request)
    await out.start_stream()
    for payload in [factory.opening(), *factory.text(step.text, 8)]:
        await out.send_chunk(sse(payload))
    await out.send_chunk(sse(factory.chunk({"content": ""}, step.finish)))
    await out.send_chunk(sse(factory.chunk({"tool_calls": calls}, None, usage)))
    await out.send_chunk(sse(DONE))
    await out.end_stream()
    return True


def _header_value(value: float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

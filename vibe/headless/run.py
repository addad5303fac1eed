"""Runs one prompt to completion, rendering events; SIGINT/SIGTERM end the run cleanly, also
when they arrived while the engine was still loading (see `early_signals`)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Sequence
from typing import TextIO

from vibe.headless import early_signals
from vibe.headless.exit_codes import RUNTIME_FAILURE, exit_code_for
from vibe.headless.render import OutputFormat, make_renderer
from vibe.messages import ImageAttachment
from vibe.protocol import events as ev
from vibe.protocol.operations import Prompt
from vibe.service.conversation import Conversation

__all__ = ["run_headless"]


async def run_headless(
    conversation: Conversation,
    prompt: str,
    output: OutputFormat,
    out: TextIO,
    err: TextIO,
    images: Sequence[ImageAttachment] = (),
) -> int:
    renderer = make_renderer(output, out, err)
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    for sig in early_signals.SIGNALS:
        try:
            loop.add_signal_handler(sig, conversation.interrupt)
            handled.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no support
            pass
    if early_signals.received():  # interrupted while starting: the run ends at once, with a result
        loop.call_soon(conversation.interrupt)
    result: ev.Result | None = None
    try:
        async for event in conversation.submit(Prompt(text=prompt, images=tuple(images))):
            renderer.event(event)
            if isinstance(event, ev.Result):
                result = event
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)
        early_signals.resume_recording()
    if result is None:
        return RUNTIME_FAILURE
    if result.error and output != "text":  # text mode already printed it; CI logs need it either way
        err.write(f"vibe: {result.error}\n")
        err.flush()
    return exit_code_for(result)

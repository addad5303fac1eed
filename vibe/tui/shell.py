"""`!command`: a shell command the user runs themselves, shown as a tool card.

It runs through the conversation (`Conversation.run_user_command`), which runs it exactly as the
`bash` tool runs the model's: in the agent's sandbox, in the workspace, with its output streamed
into the card. It is not added to the conversation: the user ran it, the model did not ask for it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from vibe.protocol.events import ToolCallFinished, ToolCallStarted, ToolStatus

if TYPE_CHECKING:
    from vibe.service.conversation import Conversation
    from vibe.tui.transcript import Transcript


async def run_shell(transcript: Transcript, conversation: Conversation, command: str, call_id: str) -> None:
    await transcript.end_stream()
    started = ToolCallStarted(
        turn_id="",
        call_id=call_id,
        tool="shell",
        kind="execute",
        title=command,
        arguments={"command": command},
    )
    await transcript.tool_started(started, show_output=True)
    began = time.monotonic()
    shown: list[str] = []

    def on_output(text: str) -> None:
        shown.append(text)
        transcript.tool_output(call_id, text)

    try:
        result = await conversation.run_user_command(command, on_output)
    except asyncio.CancelledError:
        # Esc (the app cancels this worker): the command's process group is stopped, SIGTERM
        # then SIGKILL after a grace, before this is reached, so the card says "interrupted"
        # only once nothing of the command is left running.
        output = "".join(shown).rstrip("\n")
        _finish(
            transcript, call_id, "cancelled", f"{output}\ninterrupted" if output else "interrupted", began
        )
        raise
    _finish(transcript, call_id, "ok" if result.ok else "error", result.output, began)


def _finish(transcript: Transcript, call_id: str, status: ToolStatus, output: str, began: float) -> None:
    transcript.tool_finished(
        ToolCallFinished(
            turn_id="",
            call_id=call_id,
            tool="shell",
            status=status,
            output=output,
            duration_ms=int((time.monotonic() - began) * 1000),
        )
    )

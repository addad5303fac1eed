"""`!command`: a shell command the user runs themselves, shown as a tool card.

It runs through the agent's sandbox when the backend exposes it (the same confinement the
`bash` tool gets), in the workspace, with its output streamed into the card. It is not added to
the conversation: the user ran it, the model did not ask for it.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

from vibe.protocol.events import ToolCallFinished, ToolCallStarted, ToolStatus
from vibe.sandbox.base import NoSandbox
from vibe.sandbox.process import run_process
from vibe.tools.bash import shell_argv

if TYPE_CHECKING:
    from vibe.tui.app import VibeApp

SHELL_TIMEOUT_SECONDS = 600.0
OUTPUT_CAP_BYTES = 64 * 1024


async def run_shell(app: VibeApp, command: str, call_id: str) -> None:
    transcript = app.transcript
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
    conversation = app.conversation
    # The user's own command runs under the confinement the agent's commands get; before a
    # conversation is open (it could not be), there is none to borrow.
    sandbox = conversation.shell_sandbox if conversation is not None else NoSandbox()
    spec = sandbox.wrap(shell_argv(command), app.backend.cwd)
    began = time.monotonic()
    shown: list[str] = []

    def on_output(text: str) -> None:
        shown.append(text)
        transcript.tool_output(call_id, text)

    status: ToolStatus
    try:
        outcome = await run_process(
            spec, timeout=SHELL_TIMEOUT_SECONDS, on_output=on_output, cap_bytes=OUTPUT_CAP_BYTES
        )
    except asyncio.CancelledError:
        # Esc (the app cancels this worker): run_process has stopped the process group, SIGTERM
        # then SIGKILL after a grace, before this is reached, so the card says "interrupted"
        # only once nothing of the command is left running.
        output = "".join(shown).rstrip("\n")
        _finish(app, call_id, "cancelled", f"{output}\ninterrupted" if output else "interrupted", began)
        raise
    except OSError as exc:
        status, output = "error", f"could not start the command: {exc}"
    else:
        status = "ok" if outcome.exit_code == 0 else "error"
        output = outcome.output.rstrip("\n")
        ending = "timed out" if outcome.timed_out else f"exit code: {outcome.exit_code}"
        output = "\n".join([*([output] if output else []), ending, *outcome.notes])
    _finish(app, call_id, status, output, began)


def _finish(app: VibeApp, call_id: str, status: ToolStatus, output: str, began: float) -> None:
    app.transcript.tool_finished(
        ToolCallFinished(
            turn_id="",
            call_id=call_id,
            tool="shell",
            status=status,
            output=output,
            duration_ms=int((time.monotonic() - began) * 1000),
        )
    )

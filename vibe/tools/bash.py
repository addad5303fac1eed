"""The `bash` tool: one shell command in the workspace, through the sandbox, capped and streamed."""

from __future__ import annotations

import os
import re
import shutil
import signal
from collections.abc import Callable
from dataclasses import replace

from pydantic import BaseModel, Field

from vibe.sandbox.base import SandboxReport, SpawnSpec
from vibe.sandbox.diagnose import sandbox_failure_note
from vibe.sandbox.process import ProcessOutcome, run_process
from vibe.tools.base import Invocation, Tool, ToolContext, ToolResult
from vibe.unicode_text import strip_escape_sequences, unfinished_escape_start

__all__ = ["BashTool", "shell_argv"]

DEFAULT_TIMEOUT_SECONDS = 120
MAX_TIMEOUT_SECONDS = 600
OUTPUT_CAP_BYTES = 30_000
_TITLE_CHARS = 80

# Longer than any real escape sequence: a stray ESC must not hold back output forever.
_MAX_CARRY_CHARS = 256
# Progress bars redraw a line with bare carriage returns; only the final state matters.
_OVERWRITTEN = re.compile(r"^[^\n]*\r(?!\n|\Z)", re.MULTILINE)

# Commands run unattended with no terminal: anything that would page or prompt must not wait.
_NON_INTERACTIVE_ENV = {"PAGER": "cat", "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0"}


class BashArgs(BaseModel):
    command: str = Field(description="Shell command to run with bash -c.")
    timeout_seconds: int = Field(
        default=DEFAULT_TIMEOUT_SECONDS, ge=1, description=f"At most {MAX_TIMEOUT_SECONDS}."
    )


def clean_terminal_text(text: str) -> str:
    """What the model should read of terminal output: no escape codes, no overwritten lines."""
    text = strip_escape_sequences(text)
    return _OVERWRITTEN.sub("", text).replace("\r\n", "\n")


def shell_argv(command: str) -> list[str]:
    shell = "/bin/bash" if os.access("/bin/bash", os.X_OK) else shutil.which("bash")
    return [shell or "/bin/sh", "-c", command]


def command_title(command: str) -> str:
    lines = command.strip().splitlines() or [""]
    title = lines[0]
    if len(title) > _TITLE_CHARS or len(lines) > 1:
        title = title[: _TITLE_CHARS - 1].rstrip() + "…"
    return title


class _LiveCleaner:
    """Strips escape codes from streamed chunks, holding back a sequence split between two."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self._emit = emit
        self._carry = ""

    def __call__(self, chunk: str) -> None:
        text = self._carry + chunk
        cut = unfinished_escape_start(text)
        if cut is None or len(text) - cut > _MAX_CARRY_CHARS:
            cut = len(text)
        self._carry = text[cut:]
        cleaned = strip_escape_sequences(text[:cut])
        if cleaned:
            self._emit(cleaned)


class BashTool(Tool[BashArgs]):
    name = "bash"
    args_model = BashArgs
    kind = "execute"
    read_only = False

    def __init__(self, sandbox: SandboxReport | None = None) -> None:
        # The sandbox in force, so the description states exactly what it enforces.
        self._sandbox = sandbox

    def description(self) -> str:
        base = super().description()
        if self._sandbox is None:
            return base
        return f"{base}\nSandbox: {self._sandbox.summary}."

    async def prepare(self, args: BashArgs, ctx: ToolContext) -> Invocation | ToolResult:
        if not args.command.strip():
            return ToolResult.error("command is empty; pass the shell command to run.")
        requested = args.timeout_seconds
        timeout = min(requested, MAX_TIMEOUT_SECONDS)
        notes: list[str] = []
        if requested > MAX_TIMEOUT_SECONDS:
            notes.append(f"timeout_seconds {requested} is above the maximum; used {MAX_TIMEOUT_SECONDS} s")

        async def execute() -> ToolResult:
            spec = ctx.sandbox.wrap(shell_argv(args.command), ctx.workspace.cwd)
            spec = _non_interactive(spec)
            try:
                outcome = await run_process(
                    spec,
                    timeout=timeout,
                    on_output=_LiveCleaner(ctx.emit_output),
                    cap_bytes=OUTPUT_CAP_BYTES,
                )
            except OSError as exc:
                return ToolResult.error(f"could not start the command: {exc}")
            return _result(outcome, timeout, notes, ctx.sandbox.report)

        return Invocation(
            title=command_title(args.command),
            execute=execute,
            mutates=True,
            command=args.command,
            own_timeout=timeout,
        )


def _non_interactive(spec: SpawnSpec) -> SpawnSpec:
    env = dict(spec.env if spec.env is not None else os.environ)
    for key, value in _NON_INTERACTIVE_ENV.items():
        env.setdefault(key, value)
    return replace(spec, env=env)


def _result(outcome: ProcessOutcome, timeout: int, notes: list[str], sandbox: SandboxReport) -> ToolResult:
    output = clean_terminal_text(outcome.output)
    lines = [output.rstrip("\n")] if output.strip() else ["(no output)"]
    lines.extend(notes)
    if outcome.background_stopped:
        lines.append("background processes still running after the command exited were stopped")
    if outcome.timed_out:
        lines.append(f"timed out after {timeout} s; process group killed")
    elif outcome.signal is not None:
        lines.append(f"killed by signal {outcome.signal} ({_signal_name(outcome.signal)})")
    else:
        lines.append(f"exit code: {outcome.exit_code}")
    lines.extend(outcome.notes)
    ok = outcome.exit_code == 0 and not outcome.timed_out
    if not ok and not outcome.timed_out:
        note = sandbox_failure_note(output, sandbox)
        if note:
            lines.append(note)
    return ToolResult(output="\n".join(lines), ok=ok)


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "unknown signal"

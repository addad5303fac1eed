"""Output formats of `vibe -p`: text, json, stream-json.

- text: the final answer on stdout; progress (tool calls, retries, denials, errors) on stderr,
  control sequences made visible (see `vibe.unicode_text.for_terminal`).
- json: one result object on stdout at the end.
- stream-json: every event as one JSON line on stdout; the last line is always the result.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import Literal, Protocol, TextIO

from vibe.protocol import events as ev
from vibe.unicode_text import for_terminal, json_for_terminal

__all__ = ["OutputFormat", "make_renderer"]

OutputFormat = Literal["text", "json", "stream-json"]


class Renderer(Protocol):
    def event(self, event: ev.AgentEvent) -> None: ...


def _say(stream: TextIO, text: str) -> None:
    """A line of text output. It may quote the model, a file or an endpoint, and may be read in a
    terminal: control sequences are shown, never acted on (JSON lines escape them: json_for_terminal)."""
    _write_line(stream, for_terminal(text))


def _write_line(stream: TextIO, text: str) -> None:
    try:
        stream.write(text + "\n")
        stream.flush()
    except OSError:  # a broken pipe, or a terminal that hung up (EIO)
        _discard_further_output(stream)


def _discard_further_output(stream: TextIO) -> None:
    """The reader went away (`vibe -p ... | head`): the run goes on and its session is saved, but
    what it would still print goes to /dev/null instead of raising at every write and at exit."""
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


def _encode_safely(out: TextIO, output: OutputFormat) -> None:
    """Output a locale cannot spell must not end the run half-way (LANG=C on old systems,
    PYTHONIOENCODING=ascii in some CI images). JSON is UTF-8 whatever the locale (RFC 8259);
    text gets a replacement character for what the terminal's encoding lacks."""
    if not isinstance(out, io.TextIOWrapper):
        return
    with contextlib.suppress(ValueError, OSError, io.UnsupportedOperation):
        if output == "text":
            out.reconfigure(errors="replace")
        else:
            out.reconfigure(encoding="utf-8", errors="replace")


def _tell_user(event: ev.SessionStarted, err: TextIO) -> None:
    """What a person reading the CI log must see, whatever the output format: notices about the
    session (a fork, damaged lines) and a sandbox weaker than asked for."""
    for notice in event.notices:
        _say(err, f"vibe: {notice}")
    if event.sandbox_info is not None and event.sandbox_info.warning:
        _say(err, f"vibe: warning: {event.sandbox_info.warning}")


class StreamJsonRenderer:
    def __init__(self, out: TextIO, err: TextIO) -> None:
        self._out = out
        self._err = err

    def event(self, event: ev.AgentEvent) -> None:
        if isinstance(event, ev.SessionStarted):
            _tell_user(event, self._err)
        elif isinstance(event, ev.McpServerNotice):
            _say(self._err, f"vibe: {event.message}")
        _write_line(self._out, json_for_terminal(event.model_dump_json()))


class JsonRenderer:
    def __init__(self, out: TextIO, err: TextIO) -> None:
        self._out = out
        self._err = err

    def event(self, event: ev.AgentEvent) -> None:
        if isinstance(event, ev.SessionStarted):
            _tell_user(event, self._err)
        elif isinstance(event, ev.McpServerNotice):
            _say(self._err, f"vibe: {event.message}")
        elif isinstance(event, ev.Result):
            document = event.model_dump_json(exclude={"seq", "type"}, indent=2)
            _write_line(self._out, json_for_terminal(document))


class TextRenderer:
    """Quiet progress on stderr so a CI log shows what the agent did; the answer alone on stdout."""

    def __init__(self, out: TextIO, err: TextIO) -> None:
        self._out = out
        self._err = err

    def event(self, event: ev.AgentEvent) -> None:
        match event:
            case ev.SessionStarted():
                _tell_user(event, self._err)
            case ev.CommandRun():
                _say(self._err, f"vibe: ran {event.summary}")
            case ev.ToolCallStarted(title=title, parent_call_id=parent):
                # A subagent's calls are indented under its task.
                _say(self._err, f"{'    ' if parent else ''}> {title}")
            case ev.ToolCallFinished(status="error", tool=tool, output=output, parent_call_id=parent):
                _say(self._err, f"{'    ' if parent else ''}  {tool} failed: {_first_line(output)}")
            case ev.ToolCallFinished(status="denied", tool=tool, output=output, parent_call_id=parent):
                _say(self._err, f"{'    ' if parent else ''}  {tool} denied: {_first_line(output)}")
            case ev.Retry(attempt=attempt, delay_seconds=delay, reason=reason):
                _say(self._err, f"  retrying in {delay:.1f}s (attempt {attempt}): {reason}")
            case ev.CompactionFinished(error=None, tokens_before=before, tokens_after=after):
                _say(self._err, f"  compacted the conversation: ~{before:,} → ~{after:,} tokens")
            case ev.CompactionFinished(error=str(reason)):
                _say(self._err, f"  could not compact the conversation: {reason}")
            case ev.HookRan(outcome=outcome) if outcome != "none":
                _say(self._err, f"  {event.summary}")
            case ev.Error(message=message) | ev.McpServerNotice(message=message):
                _say(self._err, f"vibe: {message}")
            case ev.Result():
                self._finish(event)
            case _:
                pass

    def _finish(self, result: ev.Result) -> None:
        if result.final_text:
            _say(self._out, result.final_text.rstrip())
        if result.status in ("limit", "interrupted"):
            _say(self._err, f"vibe: stopped ({result.stop_reason.replace('_', ' ')})")


def _first_line(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= 160 else line[:157] + "..."


def make_renderer(output: OutputFormat, out: TextIO, err: TextIO) -> Renderer:
    _encode_safely(out, output)
    if output == "stream-json":
        return StreamJsonRenderer(out, err)
    if output == "json":
        return JsonRenderer(out, err)
    return TextRenderer(out, err)

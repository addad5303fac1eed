"""Agent events → ACP `session/update` payloads, for one session.

Stateful for three reasons: a retried model stream must not repeat text the editor already
shows (chunks cannot be taken back, so the new attempt is only shown past what was shown);
streamed command output is re-sent whole (an update replaces a tool call's content); and an
edit is shown as a diff of the file's real old and new text, which the file-system record holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from acp.helpers import (
    start_tool_call,
    text_block,
    tool_content,
    tool_diff_content,
    update_agent_message_text,
    update_agent_thought_text,
    update_plan,
    update_tool_call,
)
from acp.schema import (
    AgentMessageChunk,
    AgentPlanUpdate,
    AgentThoughtChunk,
    AvailableCommandsUpdate,
    ConfigOptionUpdate,
    ContentToolCallContent,
    Cost,
    CurrentModeUpdate,
    FileEditToolCallContent,
    PlanEntry,
    TerminalToolCallContent,
    ToolCallLocation,
    ToolCallProgress,
    ToolCallStart,
    ToolCallStatus,
    ToolCallUpdate,
    ToolKind,
    UsageUpdate,
    UserMessageChunk,
)

from vibe.acp.editor_fs import EditorPaths, FileActivity
from vibe.acp.patch import apply_unified_diff
from vibe.protocol import events as ev

# Every session/update this frontend sends.
Update = (
    AgentMessageChunk
    | AgentThoughtChunk
    | UserMessageChunk
    | ToolCallStart
    | ToolCallProgress
    | AgentPlanUpdate
    | AvailableCommandsUpdate
    | CurrentModeUpdate
    | ConfigOptionUpdate
    | UsageUpdate
)
ToolContent = ContentToolCallContent | FileEditToolCallContent | TerminalToolCallContent

# Our tool kinds are ACP's (minus switch_mode); anything unknown is "other".
TOOL_KINDS: dict[str, ToolKind] = {
    "read": "read",
    "edit": "edit",
    "delete": "delete",
    "move": "move",
    "search": "search",
    "execute": "execute",
    "think": "think",
    "fetch": "fetch",
    "other": "other",
}
# What the editor shows of a tool's output; the model reads the whole (capped) result anyway.
MAX_SHOWN_OUTPUT = 20_000
RESTARTED = "\n\n[the model's answer restarted after a dropped connection]\n\n"


def server_notice(event: ev.McpServerNotice) -> ToolCallStart:
    """An MCP server's notice as an entry of its own (a finished tool call the editor lists), so
    it is never appended to whatever answer the editor showed last."""
    return start_tool_call(
        f"mcp-server-{event.server}-{event.seq}",
        event.message,
        kind="other",
        status="failed" if event.state == "failed" else "completed",
        content=[tool_content(text_block(event.message))],
    )


def fenced(text: str, language: str = "") -> str:
    """`text` in a Markdown code fence longer than any backtick run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{text.rstrip(chr(10))}\n{fence}"


def tail(text: str, limit: int = MAX_SHOWN_OUTPUT) -> str:
    if len(text) <= limit:
        return text
    return f"[… {len(text) - limit:,} earlier characters not shown]\n{text[-limit:]}"


@dataclass(slots=True)
class _Stream:
    """One turn's text (or reasoning) as the editor has seen it, across retried attempts."""

    shown: str = ""
    attempt: str = ""
    retried: bool = False

    def new_turn(self) -> None:
        self.shown, self.attempt, self.retried = "", "", False

    def retry(self) -> None:
        self.attempt, self.retried = "", True

    def add(self, text: str) -> str:
        """The part of `text` the editor has not seen yet ("" when a retry is replaying it)."""
        self.attempt += text
        if not self.retried:
            self.shown += text
            return text
        if self.shown.startswith(self.attempt):
            return ""
        if self.attempt.startswith(self.shown):
            fresh = self.attempt[len(self.shown) :]
        else:  # the new attempt says something else: say so rather than splice two answers
            fresh = RESTARTED + self.attempt
        self.shown, self.retried = self.attempt, False
        return fresh


@dataclass(slots=True)
class _Call:
    kind: ToolKind
    title: str
    paths: list[Path]
    arguments: dict[str, Any]
    output: str = ""


@dataclass(slots=True)
class EventTranslator:
    cwd: Path
    activity: FileActivity
    paths: EditorPaths | None = None
    # The model's context window now (it changes with the model), for the usage the editor shows.
    context_window: Callable[[], int | None] = lambda: None
    # USD the session has cost so far, the running run included (the conversation's totals).
    spent: Callable[[], float] = lambda: 0.0
    text: _Stream = field(default_factory=_Stream)
    reasoning: _Stream = field(default_factory=_Stream)
    calls: dict[str, _Call] = field(default_factory=dict[str, _Call])

    def translate(self, event: ev.AgentEvent) -> list[Update]:
        match event:
            case ev.TurnStarted():
                self.text.new_turn()
                self.reasoning.new_turn()
            case ev.Retry(attempt=attempt, delay_seconds=delay, reason=reason):
                self.text.retry()
                self.reasoning.retry()
                # Waits can add up to minutes: say why the turn seems to stand still.
                note = f"\n⟳ {reason}; retrying in {delay:.1f} s (attempt {attempt})\n"
                return [update_agent_thought_text(note)]
            case ev.TextDelta(text=text):
                fresh = self.text.add(text)
                return [update_agent_message_text(fresh)] if fresh else []
            case ev.ReasoningDelta(text=text):
                fresh = self.reasoning.add(text)
                return [update_agent_thought_text(fresh)] if fresh else []
            case ev.ToolCallStarted():
                return [self._started(event)]
            case ev.ToolCallOutput(call_id=call_id, text=text):
                return self._output(call_id, text)
            case ev.ApprovalResolved(call_id=call_id, approved=True):
                return [update_tool_call(call_id, status="in_progress")]
            case ev.ToolCallFinished():
                return [self._finished(event)]
            case ev.PlanUpdated(todos=todos):
                entries = [PlanEntry(content=t.content, priority="medium", status=t.status) for t in todos]
                return [update_plan(entries)]
            case ev.Error(message=message, fatal=False):
                return [update_agent_message_text(f"\n\n> ⚠ {message}\n\n")]
            case ev.UsageUpdated():
                return self._usage(event)
            case ev.CommandRun():  # which command the typed `/name` was, before its answer
                return [update_agent_thought_text(f"▸ {event.summary}\n")]
            case ev.CompactionFinished(error=None, tokens_before=before, tokens_after=after):
                note = f"conversation compacted to fit the context window: ~{before:,} → ~{after:,} tokens"
                return [update_agent_message_text(f"\n\n> {note}\n\n")]
            case ev.CompactionFinished(error=str(reason)):
                return [
                    update_agent_message_text(f"\n\n> ⚠ could not compact the conversation: {reason}\n\n")
                ]
            case ev.HookRan(outcome=outcome) if outcome != "none":
                return [update_agent_thought_text(f"\n⚓ {event.summary}\n")]
            case ev.McpServerNotice():
                return [server_notice(event)]
            case ev.Result():
                return self.close_open_calls()
            case _:
                pass
        return []

    def permission_call(self, request: ev.ApprovalRequested) -> ToolCallUpdate:
        """The tool call a permission request carries: what will change, as the editor shows it."""
        call = self.calls.get(request.call_id)
        content: list[ToolContent] = []
        if request.diff is not None:
            content.append(self._proposed_edit(call, request.diff))
        elif request.command is not None:
            content.append(tool_content(text_block(fenced(request.command, "sh"))))
        return ToolCallUpdate(
            tool_call_id=request.call_id,
            title=request.title,
            kind=call.kind if call else None,
            status="pending",
            content=content or None,
            locations=self._locations(call),
            raw_input=call.arguments if call else None,
        )

    def _usage(self, event: ev.UsageUpdated) -> list[Update]:
        """How full the context is after a request (its prompt and its answer), and what the
        session has cost so far (when the model has prices)."""
        window = self.context_window()
        if window is None:
            return []
        spent = self.spent()
        return [
            UsageUpdate(
                session_update="usage_update",
                used=event.prompt_tokens + event.completion_tokens,
                size=window,
                cost=Cost(amount=round(spent, 6), currency="USD") if spent > 0 else None,
            )
        ]

    # -- tool calls -------------------------------------------------------------------------

    def _started(self, event: ev.ToolCallStarted) -> ToolCallStart:
        call = _Call(
            kind=TOOL_KINDS.get(event.kind, "other"),
            title=event.title,
            paths=[self._absolute(shown) for shown in event.locations],
            arguments=event.arguments,
        )
        self.calls[event.call_id] = call
        started = start_tool_call(
            event.call_id,
            event.title,
            kind=call.kind,
            status="pending",
            locations=self._locations(call),
            raw_input=event.arguments,
        )
        if event.parent_call_id is None:
            return started
        # A subagent's call: editors without nesting still read whose it is from the title.
        return started.model_copy(
            update={"title": f"↳ {event.title}", "field_meta": {"parentToolCallId": event.parent_call_id}}
        )

    def _output(self, call_id: str, text: str) -> list[Update]:
        call = self.calls.get(call_id)
        if call is None:
            return []
        call.output += text
        shown = tool_content(text_block(fenced(tail(call.output))))
        return [update_tool_call(call_id, status="in_progress", content=[shown])]

    def _finished(self, event: ev.ToolCallFinished) -> ToolCallProgress:
        call = self.calls.pop(event.call_id, None)
        status: ToolCallStatus = "completed" if event.status == "ok" else "failed"
        content: list[ToolContent] = []
        if event.status == "ok" and event.diff is not None and call is not None:
            for path in call.paths[:1]:
                write = self.activity.take_write(path)
                if write is not None:
                    before, after = write
                    content.append(tool_diff_content(self._shown(path), after, before))
            if content and event.notice:
                content.append(tool_content(text_block(event.notice)))
        if not content and not (event.status == "ok" and call is not None and call.kind == "read"):
            output = tail(event.output)
            if call is not None and call.kind == "execute":
                output = fenced(output)
            content.append(tool_content(text_block(output)))
        return update_tool_call(event.call_id, status=status, content=content or None)

    def close_open_calls(self) -> list[Update]:
        """Calls a cancelled (or failed) run left unfinished: the editor must not show them running."""
        closed: list[Update] = [
            update_tool_call(
                call_id, status="failed", content=[tool_content(text_block("Not finished: the turn ended."))]
            )
            for call_id in self.calls
        ]
        self.calls.clear()
        return closed

    def _proposed_edit(self, call: _Call | None, diff: str) -> ToolContent:
        if call is not None and call.paths:
            path = call.paths[0]
            before = self.activity.last_read.get(path)
            # The diff is over "\n" line endings (see vibe.tools.write_file._display_diff).
            unified = None if before is None else before.replace("\r\n", "\n")
            after = apply_unified_diff(unified, diff)
            if after is not None:
                return tool_diff_content(self._shown(path), after, unified)
        return tool_content(text_block(fenced(diff, "diff")))

    def _locations(self, call: _Call | None) -> list[ToolCallLocation] | None:
        if call is None or not call.paths:
            return None
        line = call.arguments.get("offset")
        first_line = line if isinstance(line, int) and line > 0 else None
        return [
            ToolCallLocation(path=self._shown(path), line=first_line if index == 0 else None)
            for index, path in enumerate(call.paths)
        ]

    def _shown(self, path: Path) -> str:
        return self.paths.to_editor(path) if self.paths is not None else str(path)

    def _absolute(self, shown: str) -> Path:
        path = Path(shown)
        return path if path.is_absolute() else self.cwd / path

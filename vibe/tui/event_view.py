"""The conversation's events on screen: the transcript, the status line, the pinned plan and the
terminal bell. Every frontend reads the same events; this is how the terminal shows them.

What the events say about the session (model, mode, context, cost, the endpoint and sandbox for
/status) goes into the TUI's state, which the status line observes. Approval questions are
handed to the app (`ask`), which owns the screens; so is the news that one was answered
(`answered`), to take its modal down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from vibe.tui.attention import Attention
from vibe.tui.pinned_plan import PinnedPlan
from vibe.tui.render import tokens
from vibe.tui.state import TuiState
from vibe.tui.transcript import PlanEntry, Transcript

if TYPE_CHECKING:
    from vibe.protocol import events as ev


class EventView:
    def __init__(
        self,
        state: TuiState,
        transcript: Transcript,
        pinned_plan: PinnedPlan,
        attention: Attention,
        *,
        ask: Callable[[ev.ApprovalRequested], object],
        answered: Callable[[str], None],
    ) -> None:
        self.state = state
        self.transcript = transcript
        self.pinned_plan = pinned_plan
        self.attention = attention
        self._ask = ask
        self._answered = answered

    async def show(self, event: ev.AgentEvent) -> None:
        from vibe.protocol import events as ev

        transcript = self.transcript
        match event:
            case ev.SessionStarted():
                self.state.sandbox_summary = event.sandbox
                self.state.endpoint = event.base_url
                self.state.update(
                    model=event.model,
                    mode=event.permission_mode,
                    sandbox=event.sandbox,
                    context_window=event.context_window,
                )
            case ev.TextDelta():
                await transcript.answer_delta(event.text)
            case ev.ReasoningDelta():
                await transcript.reasoning_delta(event.text)
            case ev.Retry():
                await transcript.discard_partial()
                await transcript.notice(
                    f"⟳ {event.reason}; retrying in {event.delay_seconds:.1f}s (attempt {event.attempt})",
                    "warn",
                )
            case ev.AssistantMessage():
                await transcript.end_stream()
            case ev.ToolCallStarted():
                await transcript.tool_started(event)
            case ev.ToolCallOutput():
                transcript.tool_output(event.call_id, event.text)
            case ev.ToolCallFinished():
                transcript.tool_finished(event)
            case ev.ApprovalRequested():
                transcript.tool_waiting(event.call_id, waiting=True)
                self.attention.needed()
                self._ask(event)
            case ev.ApprovalResolved():
                transcript.tool_waiting(event.call_id, waiting=False)
                self._answered(event.call_id)
                if event.stored_rule:
                    await transcript.notice(f"rule stored: {event.stored_rule}", "dim")
            case ev.PlanUpdated():
                await transcript.end_stream()
                if not self.pinned_plan.show(event.todos):  # all done: recorded, unpinned
                    await transcript.mount(PlanEntry(event.todos))
            case ev.UsageUpdated():
                # The conversation has counted it already; shown without one (snapshots), the
                # run's own cost is the session's.
                conversation = self.state.conversation
                totals = conversation.totals if conversation is not None else None
                self.state.update(
                    context_used=event.prompt_tokens + event.completion_tokens,
                    cost_usd=totals.cost_usd if totals is not None else event.cost_usd,
                )
            case ev.CheckpointCreated():
                skipped = f", {len(event.skipped)} big file(s) not kept" if event.skipped else ""
                await transcript.notice(
                    f"◆ checkpoint {event.checkpoint_id} (/undo takes this prompt back{skipped})", "dim"
                )
            case ev.HookRan():
                level = "warn" if event.outcome in ("deny", "failed") else "dim"
                await transcript.notice(f"⚓ {event.summary}", level)
            case ev.ModeChanged():
                self.state.update(mode=event.permission_mode)
            case ev.AgentChanged():
                self.state.update(mode=event.permission_mode)
            case ev.ModelChanged():
                self.state.update(model=event.model, context_window=event.context_window)
            case ev.CompactionStarted():
                await transcript.end_stream()
                await transcript.notice(
                    f"compacting the conversation (~{tokens(event.tokens_before)})…", "dim"
                )
            case ev.CompactionFinished(error=None):
                self.state.update(context_used=event.tokens_after)
                await transcript.notice(_compaction_summary(event), "dim")
            case ev.CompactionFinished():
                await transcript.notice(f"could not compact the conversation: {event.error}", "warn")
            case ev.CommandRun():
                await transcript.notice(f"▸ {event.summary}", "dim")
            case ev.McpServerNotice(state="ready"):
                await transcript.notice(event.message, "dim")
            case ev.McpServerNotice():
                await transcript.notice(f"⚠ {event.message}", "warn")
            case ev.Error():
                await transcript.end_stream()
                await transcript.notice(f"✗ {event.message}", "error")
            case ev.Result():
                await self._show_result(event)
                self.attention.needed()
            case _:
                pass

    async def _show_result(self, result: ev.Result) -> None:
        interrupted = result.stop_reason == "cancelled"
        await self.transcript.end_stream(interrupted)
        if interrupted:
            self.transcript.cancel_running_cards()
        elif result.status == "limit":
            await self.transcript.notice(f"stopped: limit reached ({result.stop_reason})", "warn")
        elif result.error_kind == "prompt_denied":
            pass  # the hook's denial is on screen already (its line and the error)
        elif result.stop_reason in ("model_length", "refusal"):
            await self.transcript.notice(f"the model stopped early ({result.stop_reason})", "warn")


def _compaction_summary(event: ev.CompactionFinished) -> str:
    if not event.summarised_messages and not event.pruned_outputs:
        # /compact on a new or already short conversation: "compacted ~1.7k → ~1.7k" would
        # claim work that was not done.
        return "nothing to compact yet: the conversation is already short"
    parts = [f"conversation compacted: ~{tokens(event.tokens_before)} → ~{tokens(event.tokens_after)}"]
    if event.summarised_messages:
        parts.append(f"{event.summarised_messages} earlier messages summarised")
    if event.pruned_outputs:
        parts.append(f"{event.pruned_outputs} old tool outputs elided")
    return "; ".join(parts)

"""The agent's outward story: one event schema for every frontend (the agent emits, frontends read).

The TUI matches these objects, headless `stream-json` writes each as one JSON line, and the ACP
frontend maps them to `session/update` notifications. Every event carries `type` (the
discriminator), `seq` (strictly increasing within a run) and, where it applies, `turn_id` and
`call_id`. Bump `SCHEMA_VERSION` on any incompatible change; `tools/dump_event_schema.py`
publishes the JSON Schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from vibe.protocol.checkpoint_events import (
    CheckpointCreated,
    CheckpointRestored,
    ConversationRewound,
    RestoreChange,
    RestorePlanned,
    RewindChoice,
    RewindChoices,
)
from vibe.protocol.conversation_events import AgentChanged, CommandRun, ModeChanged, ModelChanged
from vibe.protocol.event_base import Event
from vibe.protocol.hook_events import HookRan
from vibe.protocol.mcp_events import McpServerNotice
from vibe.protocol.replay_events import AnswerCutShort, ConversationSummarised, UserPrompt
from vibe.protocol.tool_events import (
    ApprovalRequested,
    ApprovalResolved,
    ToolCallFinished,
    ToolCallOutput,
    ToolCallStarted,
    ToolStatus,
)
from vibe.tools.base import TodoItem
from vibe.tools.base import ToolKind as ToolKind  # read as ev.ToolKind by those who show calls

__all__ = [
    "SCHEMA_VERSION",
    "AgentChanged",
    "AgentEvent",
    "AnswerCutShort",
    "ApprovalRequested",
    "ApprovalResolved",
    "AssistantMessage",
    "CheckpointCreated",
    "CheckpointRestored",
    "CommandRun",
    "CompactionFinished",
    "CompactionStarted",
    "CompactionTrigger",
    "ConversationRewound",
    "ConversationSummarised",
    "DeniedCall",
    "Emit",
    "Error",
    "HookRan",
    "McpServerNotice",
    "ModeChanged",
    "ModelChanged",
    "PlanUpdated",
    "ReasoningDelta",
    "RestoreChange",
    "RestorePlanned",
    "Result",
    "ResultStatus",
    "Retry",
    "RewindChoice",
    "RewindChoices",
    "SandboxInfo",
    "SessionStarted",
    "StopReason",
    "TextDelta",
    "ToolCallFinished",
    "ToolCallOutput",
    "ToolCallStarted",
    "ToolStatus",
    "TurnStarted",
    "UsageUpdated",
    "UserPrompt",
    "event_json_schema",
]

# New event types do not bump it (consumers skip types they do not know, as the README says);
# renaming, removing or retyping a field of an existing event does.
SCHEMA_VERSION = 1


class SandboxInfo(BaseModel):
    """Exactly what the OS sandbox enforces for this session's commands (never more than it does)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    backend: str  # "bubblewrap", "landlock" or "none"
    confined: bool
    mode: str  # "read-only", "workspace-write" or "full-access"
    network: bool  # whether commands can use the network
    enforced: list[str] = Field(default_factory=list[str])
    not_enforced: list[str] = Field(default_factory=list[str])
    # Set when the sandbox asked for could not be had; frontends must show it.
    warning: str | None = None


class SessionStarted(Event):
    type: Literal["session_started"] = "session_started"
    schema_version: int = SCHEMA_VERSION
    session_id: str
    resumed: bool = False
    cwd: str
    workspace_roots: list[str]
    model: str
    # Tokens the model accepts per request: configured, or reported by the endpoint's /models.
    context_window: int | None = None
    provider: str
    base_url: str
    permission_mode: str
    # What confinement is really enforced for commands, in words (never implied).
    sandbox: str  # one honest sentence; the details are in sandbox_info
    sandbox_info: SandboxInfo | None = None
    tools: list[str]
    # Settings of the repository's .vibe/ that were ignored because the folder is not trusted
    # (`vibe trust`; headless `--trust` for one run).
    untrusted_keys: list[str] = Field(default_factory=list[str])
    # Set when the session resumed was still being written by another run: this run continues it
    # as a new session (session_id) forked from that one.
    forked_from: str | None = None
    # What the user should know about the session itself (a fork, damaged lines skipped on load).
    notices: list[str] = Field(default_factory=list[str])


class TurnStarted(Event):
    """A model request begins (one agent run has one or more turns)."""

    type: Literal["turn_started"] = "turn_started"
    turn_id: str
    turn: int


class TextDelta(Event):
    type: Literal["text_delta"] = "text_delta"
    turn_id: str
    text: str


class ReasoningDelta(Event):
    type: Literal["reasoning_delta"] = "reasoning_delta"
    turn_id: str
    text: str


class Retry(Event):
    """The model stream failed and is retried: discard this turn's partial text and reasoning."""

    type: Literal["retry"] = "retry"
    turn_id: str
    attempt: int
    delay_seconds: float
    reason: str


class AssistantMessage(Event):
    """The complete assistant message of a turn, after streaming ended."""

    type: Literal["assistant_message"] = "assistant_message"
    turn_id: str
    text: str
    reasoning: str = ""
    tool_call_ids: list[str] = Field(default_factory=list[str])


class PlanUpdated(Event):
    type: Literal["plan_updated"] = "plan_updated"
    todos: list[TodoItem]


class UsageUpdated(Event):
    type: Literal["usage"] = "usage"
    turn_id: str
    prompt_tokens: int
    completion_tokens: int
    # Totals for the whole run so far.
    total_prompt_tokens: int
    total_completion_tokens: int
    cost_usd: float


CompactionTrigger = Literal["auto", "manual"]


class CompactionStarted(Event):
    """The history is being made smaller (it may take a model request: show it as working)."""

    type: Literal["compaction_started"] = "compaction_started"
    trigger: CompactionTrigger
    # Estimated tokens of the next request before compacting, and the model's window.
    tokens_before: int
    context_window: int | None = None


class CompactionFinished(Event):
    type: Literal["compaction_finished"] = "compaction_finished"
    trigger: CompactionTrigger
    tokens_before: int
    tokens_after: int
    # Older tool outputs replaced by a note, and messages replaced by the summary.
    pruned_outputs: int
    summarised_messages: int
    # Why it could not be done (the history is then unchanged).
    error: str | None = None


class Error(Event):
    type: Literal["error"] = "error"
    message: str
    # Whether the run ends because of it.
    fatal: bool


class DeniedCall(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    call_id: str
    tool: str
    arguments: dict[str, Any]
    reason: str


ResultStatus = Literal["success", "error", "limit", "interrupted"]
StopReason = Literal[
    "end_turn",
    "max_turns",
    "max_tokens",
    "max_cost",
    "time_limit",
    "model_length",
    "refusal",
    "cancelled",
    # Headless `--on-ask fail`: a call needed approval and the run was told not to go on without it.
    "approval_required",
    # The same call failed the same way five times in a row (vibe.agent.repeat_guard).
    "repeated_failure",
    "error",
]


class Result(Event):
    """Always the last event of a run, whatever ended it."""

    type: Literal["result"] = "result"
    schema_version: int = SCHEMA_VERSION
    session_id: str
    status: ResultStatus
    stop_reason: StopReason
    final_text: str
    turns: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float
    duration_ms: int
    tool_calls: dict[str, int]
    denied: list[DeniedCall]
    error: str | None = None
    # Machine-readable class of `error`: auth, bad_request, unreachable, rate_limited, server,
    # timeout, protocol (from the endpoint) or internal.
    error_kind: str | None = None
    # As in session_started: the repository's settings ignored because the folder is not trusted.
    untrusted_keys: list[str] = Field(default_factory=list[str])

    @classmethod
    def without_turns(
        cls,
        session_id: str,
        status: ResultStatus,
        stop_reason: StopReason,
        *,
        error: str | None = None,
        error_kind: str | None = None,
        duration_ms: int = 0,
        usage: tuple[int, int, float] = (0, 0, 0.0),
    ) -> Result:
        """The result of a run that made no model turn: cancelled before it began, a /compact,
        or one that could not start. `usage`: prompt and completion tokens, and cost."""
        prompt_tokens, completion_tokens, cost_usd = usage
        return cls(
            session_id=session_id,
            status=status,
            stop_reason=stop_reason,
            final_text="",
            turns=0,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost_usd=cost_usd,
            duration_ms=duration_ms,
            tool_calls={},
            denied=[],
            error=error,
            error_kind=error_kind,
        )


AgentEvent = Annotated[
    SessionStarted
    | TurnStarted
    | TextDelta
    | ReasoningDelta
    | Retry
    | AssistantMessage
    | ToolCallStarted
    | ToolCallOutput
    | ToolCallFinished
    | ApprovalRequested
    | ApprovalResolved
    | PlanUpdated
    | UsageUpdated
    | CompactionStarted
    | CompactionFinished
    | ModeChanged
    | ModelChanged
    | AgentChanged
    | UserPrompt
    | ConversationSummarised
    | AnswerCutShort
    | CheckpointCreated
    | CheckpointRestored
    | RestorePlanned
    | CommandRun
    | HookRan
    | RewindChoices
    | ConversationRewound
    | McpServerNotice
    | Error
    | Result,
    Field(discriminator="type"),
]

Emit = Callable[[AgentEvent], None]


def event_json_schema() -> dict[str, Any]:
    # Built on demand: a union adapter over every event costs start-up time no run needs.
    schema = TypeAdapter[AgentEvent](AgentEvent).json_schema()
    schema["title"] = "vibe agent event"
    schema["x-schema-version"] = SCHEMA_VERSION
    return schema

"""SVG snapshots of the main states. Events are fed to the app's renderer directly (the same
`show_event` the live loop calls) with fixed ids, durations and texts, so the pictures are
deterministic; the interaction tests cover the same paths against the live endpoint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from textual.pilot import Pilot

from tui.harness import TuiEnv, wait_for
from vibe.protocol import events as ev
from vibe.tools.base import TodoItem
from vibe.tui.app import VibeApp
from vibe.tui.approval import ApprovalScreen
from vibe.tui.transcript import AnswerEntry

SIZE = (100, 30)
DIFF = (
    "--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,2 @@\n def add(a, b):\n-    return a - b\n+    return a + b\n"
)
STARTED = ev.SessionStarted(
    session_id="s1",
    cwd="/repo",
    workspace_roots=["/repo"],
    model="devstral-test",
    context_window=131072,
    provider="mistral",
    base_url="http://127.0.0.1/v1",
    permission_mode="accept-edits",
    sandbox="bubblewrap: workspace-write, network off",
    tools=["read_file", "edit", "bash"],
)


def scene(*events: ev.AgentEvent, prompt: str | None = None) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, VibeApp)
        await wait_for(pilot, lambda: app.conversation is not None)
        await pilot.pause()
        if prompt is not None:
            await app.transcript.user(prompt)
        for event in (STARTED, *events):
            await app.show_event(event)
        for answer in app.query(AnswerEntry):
            await answer.flush()
        await pilot.pause()

    return run_before


def started(call_id: str, tool: str, arguments: dict[str, Any]) -> ev.ToolCallStarted:
    return ev.ToolCallStarted(
        turn_id="t1", call_id=call_id, tool=tool, kind="edit", title=tool, arguments=arguments
    )


def finished(
    call_id: str, tool: str, status: ev.ToolStatus, output: str, diff: str | None = None
) -> ev.ToolCallFinished:
    return ev.ToolCallFinished(
        turn_id="t1", call_id=call_id, tool=tool, status=status, output=output, diff=diff, duration_ms=1250
    )


def test_empty(snap_compare: Any, tui_env: TuiEnv) -> None:
    assert snap_compare(tui_env.app(), terminal_size=SIZE, run_before=scene())


def test_streaming(snap_compare: Any, tui_env: TuiEnv) -> None:
    deltas = [
        "Looking at `calc.py`:\n\n",
        "```python\ndef add(a, b):\n",
        "    return a - b\n```\n\n",
        "The sign is wr",
    ]
    events = [ev.TextDelta(turn_id="t1", text=text) for text in deltas]
    reasoning = ev.ReasoningDelta(turn_id="t1", text="The user wants the bug found.")
    assert snap_compare(
        tui_env.app(), terminal_size=SIZE, run_before=scene(reasoning, *events, prompt="Why does add fail?")
    )


def test_tool_cards_ok_failed_denied(snap_compare: Any, tui_env: TuiEnv) -> None:
    events = [
        ev.PlanUpdated(
            todos=[
                TodoItem(content="Fix add", status="completed"),
                TodoItem(content="Run the tests", status="in_progress"),
            ]
        ),
        started("c1", "edit", {"path": "calc.py"}),
        finished("c1", "edit", "ok", "edited calc.py", DIFF),
        started("c2", "bash", {"command": "pytest -q"}),
        finished("c2", "bash", "error", "1 failed, 3 passed\nexit code: 1"),
        started("c3", "bash", {"command": "rm -rf build"}),
        finished("c3", "bash", "denied", "The user denied this call."),
        started("c4", "grep", {"pattern": "def add"}),
    ]
    assert snap_compare(tui_env.app(), terminal_size=SIZE, run_before=scene(*events, prompt="fix and test"))


def test_approval_modal(snap_compare: Any, tui_env: TuiEnv) -> None:
    request = ev.ApprovalRequested(
        call_id="c1",
        tool="edit",
        title="Edit calc.py",
        reason="ask mode: this change needs approval",
        diff=DIFF,
        suggested_rule='allow edit "calc.py"',
    )

    async def run_before(pilot: Pilot[Any]) -> None:
        await scene(prompt="fix add")(pilot)
        pilot.app.push_screen(ApprovalScreen(request))
        await pilot.pause()

    assert snap_compare(tui_env.app(), terminal_size=SIZE, run_before=run_before)


def test_error_and_retry_notices(snap_compare: Any, tui_env: TuiEnv) -> None:
    events = [
        ev.TextDelta(turn_id="t1", text="partial text of the failed attempt"),
        ev.Retry(turn_id="t1", attempt=2, delay_seconds=1.5, reason="the server answered 503"),
        ev.Error(message="the endpoint rejected the API key (401): check MISTRAL_API_KEY", fatal=True),
    ]
    assert snap_compare(tui_env.app(), terminal_size=SIZE, run_before=scene(*events, prompt="hello"))

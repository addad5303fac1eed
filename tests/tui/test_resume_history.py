"""A resumed conversation shows what the user saw, tool calls as cards, and not the notes the
agent loop wrote for the model."""

from __future__ import annotations

import asyncio

from tools.fake_mistral import call, fault, reply
from tui.harness import SIZE, TuiEnv, answers, notices, send, users, wait_for, wait_idle
from vibe.tui.app import VibeApp
from vibe.tui.tool_card import ToolCard


async def test_a_resumed_session_hides_the_loops_notes_and_says_what_was_cut_short(tui_env: TuiEnv) -> None:
    # A stall the test ends with Esc must not be retried first (TEST_CONFIG waits 0.5 s).
    (tui_env.home / "config.toml").write_text("[network]\nidle_timeout = 60\n", encoding="utf-8")
    tui_env.fake.script(
        fault.stall_after("Partial answ", seconds=30),  # cut short mid-answer
        fault.stall_after("", seconds=30),  # stopped before any answer: the next run adds a placeholder
        reply("All done."),
    )
    first = tui_env.app()
    async with first.run_test(size=SIZE) as pilot:
        await send(pilot, "go")
        await wait_for(pilot, lambda: any("Partial" in text for text in answers(first)))
        await pilot.press("escape")
        await wait_idle(pilot)
        await send(pilot, "again")
        await asyncio.to_thread(tui_env.fake.wait_for_requests, 2)
        await pilot.press("escape")
        await wait_idle(pilot)
        await send(pilot, "go on")
        await wait_idle(pilot)
        assert first.conversation is not None
        session_id = first.conversation.session_id
    # The model did read both notes: the session really holds them.
    sent = " ".join(str(m.get("content")) for m in tui_env.fake.requests[-1].messages)
    assert "[cut short: the run was interrupted]" in sent and "[no reply:" in sent

    resumed = tui_env.app("--resume", session_id)
    async with resumed.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("resumed session" in n for n in notices(resumed)))
        assert users(resumed) == ["go", "again", "go on"]
        assert answers(resumed) == ["Partial answ", "All done."]
        assert "(answer cut short: the run was interrupted)" in notices(resumed)
        assert not [n for n in notices(resumed) if "[no reply" in n or "[cut short" in n]


def cards(app: VibeApp) -> list[tuple[str, str, str]]:
    return [(card.tool, card.subject, card.status) for card in app.query(ToolCard)]


async def test_a_resumed_session_shows_its_tool_calls_as_cards_with_their_saved_outcome(
    tui_env: TuiEnv,
) -> None:
    (tui_env.repo / "calc.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    tui_env.fake.script(
        reply(
            "Looking around.",
            tool_calls=[call("read_file", {"path": "calc.py"}), call("read_file", {"path": "missing.py"})],
        ),
        reply("calc.py adds; missing.py is not there."),
    )
    first = tui_env.app()
    async with first.run_test(size=SIZE) as pilot:
        await send(pilot, "look")
        await wait_idle(pilot)
        shown_live = cards(first)
        assert first.conversation is not None
        session_id = first.conversation.session_id
    assert [status for _tool, _subject, status in shown_live] == ["ok", "error"]

    resumed = tui_env.app("--resume", session_id)
    async with resumed.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("resumed session" in n for n in notices(resumed)))
        # The same cards the live run ended with, where they were: after the answer that made them.
        assert cards(resumed) == shown_live
        entries = [type(widget).__name__ for widget in resumed.transcript.children][1:4]
        assert entries == ["UserEntry", "AnswerEntry", "ToolCard"]
        assert answers(resumed) == ["Looking around.", "calc.py adds; missing.py is not there."]
        # A saved call has no duration to show; a failed one shows why, as it did live.
        failed = list(resumed.query(ToolCard))[1]
        assert failed.duration_ms is None
        body = failed.query_one(".tool-body")
        assert body.display and "missing.py" in str(body.render())

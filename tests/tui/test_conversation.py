"""Pilot-driven runs of the real TUI against the scripted endpoint: stream, approve, deny,
interrupt, queue, errors and retries, the shell escape."""

from __future__ import annotations

import asyncio

from rich.markdown import Markdown as RichMarkdown
from textual.widgets import Static

from tools.fake_mistral import call, fault, reply
from tui.harness import (
    SIZE,
    TuiEnv,
    answers,
    notices,
    send,
    type_and_enter_now,
    users,
    wait_for,
    wait_idle,
)
from vibe.tui.approval import ApprovalScreen
from vibe.tui.tool_card import ToolCard

BUGGY = "def add(a, b):\n    return a - b\n"
FIX = call("edit", {"path": "calc.py", "old_string": "return a - b", "new_string": "return a + b"})
# The code block settles (renders as a block of its own) once the next paragraph starts; the
# paragraph after it is long enough to still be streaming then.
ANSWER = (
    "Here is the fix:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nAll **done**. "
    + "It adds now. " * 25
).rstrip()


async def test_a_prompt_streams_into_a_rendered_markdown_answer(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply(ANSWER, chunk_size=3, reasoning="think first", chunk_delay=0.01))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        type_and_enter_now(app, "fix it")
        # Mid-stream: the code block is complete, so it is rendered markdown of its own, while
        # the rest of the answer is still arriving.
        await wait_for(pilot, lambda: any("```" in _markup(block) for block in app.query(".stream-block")))
        assert app.busy and 0 < len(answers(app)[0]) < len(ANSWER)
        await wait_idle(pilot)
        assert users(app) == ["fix it"]
        assert answers(app) == [ANSWER]
        final = app.query_one(".final-markdown", Static).content
        assert isinstance(final, RichMarkdown) and final.markup == ANSWER
        assert app.query_one(".reasoning").collapsed  # type: ignore[attr-defined]
        assert tui_env.fake.requests[0].stream and tui_env.fake.requests[0].last_user_text == "fix it"
        assert app.prompt.text == "" and not app.busy


def _markup(widget: object) -> str:
    content = widget.content if isinstance(widget, Static) else None
    return content.markup if isinstance(content, RichMarkdown) else ""


async def test_an_approved_edit_lands_on_disk_and_shows_its_diff(tui_env: TuiEnv) -> None:
    tui_env.ask_mode()
    (tui_env.repo / "calc.py").write_text(BUGGY)
    tui_env.fake.script(reply("Fixing.", tool_calls=[FIX]), reply("Fixed."))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "fix add")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        screen = app.screen
        assert isinstance(screen, ApprovalScreen)
        assert screen.request.diff and "+    return a + b" in screen.request.diff
        assert (tui_env.repo / "calc.py").read_text() == BUGGY  # nothing applied before the answer
        await pilot.press("1")
        await wait_idle(pilot)
        assert (tui_env.repo / "calc.py").read_text() == "def add(a, b):\n    return a + b\n"
        card = app.query_one(ToolCard)
        assert card.status == "ok" and card.has_class("-ok")
        assert "+    return a + b" in str(card.query_one(".tool-body").render())
        assert answers(app) == ["Fixing.", "Fixed."]


async def test_an_edit_that_breaks_the_syntax_shows_the_note_under_its_diff(tui_env: TuiEnv) -> None:
    tui_env.ask_mode()
    (tui_env.repo / "calc.py").write_text(BUGGY)
    breaking = {"path": "calc.py", "old_string": "return a - b", "new_string": "return (a + b"}
    tui_env.fake.script(reply(tool_calls=[call("edit", breaking)]), reply("Oops."))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "change add")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await pilot.press("1")
        await wait_idle(pilot)
        shown = str(app.query_one(ToolCard).query_one(".tool-body").render())
        assert "+    return (a + b" in shown
        assert "Syntax check: calc.py now has 1 syntax error (python)" in shown


async def test_a_card_awaiting_approval_says_so_and_times_only_the_run(tui_env: TuiEnv) -> None:
    tui_env.ask_mode()
    (tui_env.repo / "calc.py").write_text(BUGGY)
    tui_env.fake.script(reply(tool_calls=[FIX]), reply("Fixed."))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "fix add")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        card = app.query_one(ToolCard)
        await wait_for(pilot, lambda: card.status == "waiting")
        assert "waiting for you" in str(card.query_one(".tool-header").render())
        # However long the question stays open, the card's time is the edit's own.
        loop = asyncio.get_running_loop()
        opened = loop.time()
        await wait_for(pilot, lambda: loop.time() - opened > 1.2)
        await pilot.press("1")
        await wait_idle(pilot)
        assert card.status == "ok" and card.duration_ms is not None and card.duration_ms < 1000


async def test_a_denial_with_feedback_reaches_the_model_and_the_card_looks_failed(tui_env: TuiEnv) -> None:
    tui_env.ask_mode()
    (tui_env.repo / "calc.py").write_text(BUGGY)
    tui_env.fake.script(reply(tool_calls=[FIX]), reply("Understood."))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "fix add")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        await pilot.press("tab", *"use mul", "enter")
        await wait_idle(pilot)
        assert (tui_env.repo / "calc.py").read_text() == BUGGY
        card = app.query_one(ToolCard)
        assert card.status == "denied" and card.has_class("-failed")
        assert "The user says: use mul" in tui_env.fake.requests[1].tool_results[0]


async def test_escape_interrupts_at_once_keeps_the_partial_answer_and_the_session_goes_on(
    tui_env: TuiEnv,
) -> None:
    long_answer = "word " * 2000
    tui_env.fake.script(reply(long_answer, chunk_size=5, chunk_delay=0.005), reply("Still here."))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "talk")
        await wait_for(pilot, lambda: bool(answers(app)) and len(answers(app)[0]) > 20)
        await pilot.press("escape")
        await wait_idle(pilot)
        partial = answers(app)[0]
        assert 0 < len(partial) < len(long_answer)
        assert app.query(".answer .notice.-warn"), "the partial answer is marked as interrupted"
        await send(pilot, "again")
        await wait_idle(pilot)
        assert answers(app)[-1] == "Still here."
        # The model saw the cut-short answer, marked, before the new prompt.
        history = tui_env.fake.requests[1].messages
        assert "[cut short:" in history[-2]["content"]


async def test_prompts_typed_while_the_agent_works_are_queued_and_run_in_order(tui_env: TuiEnv) -> None:
    tui_env.fake.script(reply("first " * 300, chunk_size=4, chunk_delay=0.002), reply("second done"))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        type_and_enter_now(app, "one")
        await wait_for(pilot, lambda: app.busy and answers(app))
        type_and_enter_now(app, "two")
        await wait_for(pilot, lambda: app.queue or not app.busy)
        assert list(app.queue) == ["two"], "the first run was still going when the second prompt came"
        assert "queued" in str(app.status_line.render())
        await wait_idle(pilot)
        assert [r.last_user_text for r in tui_env.fake.requests] == ["one", "two"]
        assert users(app) == ["one", "two"] and answers(app)[-1] == "second done"


async def test_retries_show_the_wait_and_endpoint_errors_leave_the_session_usable(tui_env: TuiEnv) -> None:
    tui_env.fake.script(
        fault.drop_after("partial te"),
        reply("Recovered."),
        fault.status(400, message="model does not exist"),
        reply("Fine again."),
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "hello")
        await wait_idle(pilot)
        assert answers(app) == ["Recovered."], "the failed attempt's partial text is discarded"
        assert any("retrying in" in text for text in notices(app))
        await send(pilot, "break")
        await wait_idle(pilot)
        errors = list(app.query(".notice.-error"))
        assert errors and "model does not exist" in str(errors[-1].render())
        await send(pilot, "and now")
        await wait_idle(pilot)
        assert answers(app)[-1] == "Fine again."


async def test_a_bang_command_runs_in_the_workspace_and_shows_its_output(tui_env: TuiEnv) -> None:
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "!ls && exit 3")
        await wait_for(pilot, lambda: app.query(ToolCard) and app.query_one(ToolCard).status != "running")
        card = app.query_one(ToolCard)
        body = str(card.query_one(".tool-body").render())
        assert card.status == "error" and "README.md" in body and "exit code: 3" in body
        assert tui_env.fake.requests == []  # the model is not involved

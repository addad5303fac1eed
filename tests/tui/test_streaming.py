"""Launch before the engine, and streaming by settled markdown blocks."""

from __future__ import annotations

import threading

from rich.markdown import Markdown as RichMarkdown
from textual.app import App, ComposeResult
from textual.widgets import Static

from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, answers, type_and_enter_now, users, wait_for, wait_idle
from vibe.cli import build_parser
from vibe.composition.tui_backend import build_backend
from vibe.tui.app import VibeApp
from vibe.tui.backend import Backend
from vibe.tui.streaming import settled_end
from vibe.tui.transcript import AnswerEntry


def test_settled_end_stops_before_the_last_top_level_block() -> None:
    text = "First paragraph.\n\n```python\nx = 1\n```\n\nStill typ"
    end = settled_end(text, 0)
    assert text[end:] == "Still typ"
    assert settled_end(text, end) == end, "a lone open block never settles"


def test_an_open_code_fence_or_a_growing_list_is_not_settled() -> None:
    fence = "Intro.\n\n```python\ndef f():\n\n    return 1\n"
    assert fence[settled_end(fence, 0) :] == "```python\ndef f():\n\n    return 1\n"
    items = "- one\n\n- two\n\n- thr"
    assert settled_end(items, 0) == 0, "a loose list is one block until something follows it"


def test_settled_end_counts_from_the_given_start() -> None:
    text = "A.\n\nB.\n\nC."
    first = settled_end(text, 0)
    assert text[first:] == "C."
    assert settled_end(text, 4) == first


class _OneAnswer(App[int]):
    def compose(self) -> ComposeResult:
        yield AnswerEntry()


def _markup(widget: Static) -> str:
    content = widget.content
    return content.markup if isinstance(content, RichMarkdown) else ""


async def test_a_frame_that_settles_a_block_also_shows_the_open_one() -> None:
    app = _OneAnswer()
    async with app.run_test() as pilot:
        entry = app.query_one(AnswerEntry)
        entry.add("First paragraph.\n\nSecond, still op")
        await wait_for(pilot, lambda: app.query(".stream-block"))
        await pilot.pause()
        assert [_markup(block) for block in app.query(".stream-block").results(Static)] == [
            "First paragraph."
        ]
        assert _markup(app.query_one(".stream-tail", Static)) == "Second, still op"
        entry.add("en")
        await wait_for(pilot, lambda: _markup(app.query_one(".stream-tail", Static)) == "Second, still open")


async def test_the_prompt_works_before_the_engine_is_loaded(tui_env: TuiEnv) -> None:
    """The first frame comes before the backend is built; what is typed meanwhile runs once
    the agent is there."""
    tui_env.fake.script(reply("Answered after start-up."))
    release = threading.Event()
    args = build_parser().parse_args([])
    env = tui_env.env()

    def slow_factory() -> Backend:
        release.wait(10)
        return build_backend(args, env, tui_env.repo)

    app = VibeApp(slow_factory, tui_env.repo.resolve())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is app.prompt and app.conversation is None
        type_and_enter_now(app, "early prompt")
        await pilot.pause()
        assert app.busy and tui_env.fake.requests == []
        release.set()
        await wait_for(pilot, lambda: answers(app) == ["Answered after start-up."])
        await wait_idle(pilot)
        assert users(app) == ["early prompt"]


async def test_a_long_answer_streams_as_settled_blocks_and_ends_as_one(tui_env: TuiEnv) -> None:
    paragraphs = [f"Paragraph {index} " + "word " * 40 for index in range(12)]
    text = "\n\n".join(paragraphs)
    tui_env.fake.script(reply(text, chunk_size=8, chunk_delay=0.002))
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.conversation is not None)
        type_and_enter_now(app, "write a lot")
        await wait_for(pilot, lambda: len(app.query(".stream-block")) >= 3)
        assert app.busy, "blocks settle while the answer is still streaming"
        await wait_idle(pilot)
        assert answers(app) == [text]
        assert not app.query(".stream-block") and not app.query(".stream-tail")
        assert len(app.query(".final-markdown")) == 1

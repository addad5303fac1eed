"""In-process checks of the editor frontend's pure parts: diff application, retried streams,
and prompt content."""

from __future__ import annotations

from pathlib import Path

import pytest
from acp.exceptions import RequestError
from acp.schema import (
    EmbeddedResourceContentBlock,
    ImageContentBlock,
    ResourceContentBlock,
    TextContentBlock,
    TextResourceContents,
)

from vibe.acp.editor_fs import FileActivity
from vibe.acp.patch import apply_unified_diff
from vibe.acp.prompt_text import prompt_images, prompt_text
from vibe.acp.translate import RESTARTED, EventTranslator
from vibe.protocol import events as ev
from vibe.tools.diffs import unified_diff

LINES = "".join(f"line {n}\n" for n in range(1, 30))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, "brand new\nfile\n"),
        ("", "now has text\n"),
        (LINES, LINES.replace("line 3\n", "line three\n").replace("line 25\n", "")),
        (LINES, "header\n" + LINES + "footer"),
        ("no newline at end", "no newline at end\nbut now one more line\n"),
        ("a\nb\nc", "a\nB\nc"),
        ("keep\n-- not a header\n++ nor this\n", "keep\n--- changed\n++ nor this\n"),
        (LINES, ""),
    ],
)
def test_applying_a_files_diff_gives_the_new_text(old: str | None, new: str) -> None:
    assert apply_unified_diff(old, unified_diff(old, new, "f.py")) == new


def test_a_diff_that_does_not_fit_gives_none() -> None:
    diff = unified_diff("one\ntwo\n", "one\n2\n", "f.py")
    assert apply_unified_diff("one\nthree\n", diff) is None
    assert apply_unified_diff("one\ntwo\n", diff + "garbage\n") is None


def stream(translator: EventTranslator, *events: ev.AgentEvent, kind: str = "agent_message_chunk") -> str:
    shown: list[str] = []
    for event in events:
        for update in translator.translate(event):
            if update.session_update == kind:
                shown.append(update.content.text)  # type: ignore[union-attr]
    return "".join(shown)


def delta(text: str) -> ev.TextDelta:
    return ev.TextDelta(turn_id="t1", text=text)


RETRY = ev.Retry(turn_id="t1", attempt=2, delay_seconds=0.0, reason="dropped")


def test_a_retry_that_repeats_the_shown_text_continues_without_duplicating_it() -> None:
    translator = EventTranslator(cwd=Path("/w"), activity=FileActivity())
    shown = stream(
        translator, delta("The com"), delta("pl"), RETRY, delta("The "), delta("complete"), delta(" answer.")
    )
    assert shown == "The complete answer."


def test_a_retry_that_says_something_else_is_marked_as_a_restart() -> None:
    translator = EventTranslator(cwd=Path("/w"), activity=FileActivity())
    shown = stream(translator, delta("Maybe"), RETRY, delta("Yes, "), delta("certainly."))
    assert shown == "Maybe" + RESTARTED + "Yes, certainly."


def test_a_retry_says_why_and_how_long_as_a_thought() -> None:
    translator = EventTranslator(cwd=Path("/w"), activity=FileActivity())
    wait = ev.Retry(turn_id="t1", attempt=3, delay_seconds=4.0, reason="HTTP 503: busy")
    thoughts = stream(translator, delta("Hm"), wait, delta("Hm, yes."), kind="agent_thought_chunk")
    assert "HTTP 503: busy; retrying in 4.0 s (attempt 3)" in thoughts


def test_a_new_turn_is_not_compared_with_the_last_one() -> None:
    translator = EventTranslator(cwd=Path("/w"), activity=FileActivity())
    first = stream(translator, delta("Same text."))
    second = stream(translator, ev.TurnStarted(turn_id="t2", turn=2), delta("Same text."))
    assert (first, second) == ("Same text.", "Same text.")


def test_prompt_content_becomes_one_text_for_the_agent() -> None:
    blocks = [
        TextContentBlock(type="text", text="explain"),
        ResourceContentBlock(type="resource_link", name="calc.py", uri="file:///w/calc%20x.py"),
        EmbeddedResourceContentBlock(
            type="resource", resource=TextResourceContents(uri="file:///w/a.py", text="x = 1")
        ),
    ]
    assert (
        prompt_text(blocks)
        == 'explain [calc.py](/w/calc x.py)\n<context source="/w/a.py">\nx = 1\n</context>'
    )
    with pytest.raises(RequestError) as refused:  # its bytes decide, not the type it claims
        prompt_images([ImageContentBlock(type="image", data="AAAA", mime_type="image/png")])
    assert "not a PNG" in str(refused.value.data)
    with pytest.raises(RequestError):
        prompt_text([TextContentBlock(type="text", text="  ")])

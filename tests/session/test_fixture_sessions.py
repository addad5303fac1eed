"""Session files written by earlier versions (tests/fixtures/sessions) load, replay and resume.

Each fixture is a real session file (see its README). What a user sees of it on resume (the
replay) and what the model is sent when it continues are pinned here, so a change to the record
format or to how notes for the model are kept cannot change either for sessions already saved.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from tools.fake_mistral import FakeMistral, reply
from vibe.agent.approvals import HeadlessApprover
from vibe.agent.replay import replay_events
from vibe.composition.engine import Engine
from vibe.composition.run_options import RunOptions
from vibe.messages import AssistantMessage, UserMessage
from vibe.notes import INTERRUPTED, NO_REPLY_NOTE, SUMMARY_NOTE, cut_short
from vibe.protocol import events as ev
from vibe.session.call_views import load_call_views
from vibe.session.store import SessionStore
from vibe.tools.builtin import builtin_registry

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "sessions"

# What replaying each saved session tells a frontend, in short.
REPLAYED: dict[str, list[str]] = {
    "plain": [
        "user: hi",
        "text: Hello! How can I help?",
        "user: what does app.py do?",
        "text: It prints hello.",
    ],
    "tools": [
        "user: look around",
        "text: Let me look.",
        "call read_file 'Read app.py' read ['app.py']",
        "done read_file ok",
        "call bash 'ls' execute []",
        "call grep 'grep /hello/ in .' search ['/home/user/project']",
        "done bash ok",
        "done grep ok",
        "text: app.py prints hello; the folder holds RE",
    ],
    "denied": [
        "user: delete the readme",
        "call bash 'rm -f README.md' execute []",
        "done bash denied",
        "text: I could not delete it: the call was deni",
    ],
    "mode": ["user: plan the change", "text: Planning only, then."],
    "compaction": ["summarised", "text: Second answer.", "user: go on", "text: After the summary."],
    "retract": ["summarised"],
    "fork": ["user: start here", "text: First run."],
    "fork-1": [
        "user: start here",
        "text: First run.",
        "user: continue elsewhere",
        "text: Answered in the fork.",
    ],
    "interrupted": [
        "user: explain it all",
        "text: This",
        "cut short: the run was interrupted",
        "user: run the slow thing",
        "text: Running it.",
        "call bash 'sleep 30' execute []",
        "done bash cancelled",
        "user: and now?",
        "text: Picking up where we stopped.",
    ],
    "torn": [
        "user: hi",
        "text: Hello! How can I help?",
        "user: what does app.py do?",
        "text: It prints hello.",
    ],
}

_SUMMARY_OPENING = "user: [conversation summary] The earlier part of this conversation was summarised to f"

# What the model is sent when each session is resumed with "next" (after the system prompt).
SENT: dict[str, list[str]] = {
    "plain": [
        "user: hi",
        "assistant: Hello! How can I help?",
        "user: what does app.py do?",
        "assistant: It prints hello.",
        "user: next",
    ],
    "tools": [
        "user: look around",
        "assistant: Let me look. +read_file",
        "tool: read_file",
        "assistant: +bash +grep",
        "tool: bash",
        "tool: grep",
        "assistant: app.py prints hello; the folder holds README.md and app.py.",
        "user: next",
    ],
    "denied": [
        "user: delete the readme",
        "assistant: +bash",
        "tool: bash",
        "assistant: I could not delete it: the call was denied.",
        "user: next",
    ],
    "mode": ["user: plan the change", "assistant: Planning only, then.", "user: next"],
    "compaction": [
        _SUMMARY_OPENING,
        "assistant: Second answer.",
        "user: go on",
        "assistant: After the summary.",
        "user: next",
    ],
    "retract": [
        _SUMMARY_OPENING,
        "assistant: Understood. I have the summary of our conversation so far and will continue from it.",
        "user: next",
    ],
    "fork": ["user: start here", "assistant: First run.", "user: next"],
    "fork-1": [
        "user: start here",
        "assistant: First run.",
        "user: continue elsewhere",
        "assistant: Answered in the fork.",
        "user: next",
    ],
    "interrupted": [
        "user: explain it all",
        "assistant: This\n[cut short: the run was interrupted]",
        "user: run the slow thing",
        "assistant: Running it. +bash",
        "tool: bash",
        "assistant: [no reply: the previous run stopped before the assistant answered]",
        "user: and now?",
        "assistant: Picking up where we stopped.",
        "user: next",
    ],
    "torn": [
        "user: hi",
        "assistant: Hello! How can I help?",
        "user: what does app.py do?",
        "assistant: It prints hello.",
        "user: next",
    ],
}


def test_every_fixture_is_pinned() -> None:
    assert sorted(path.stem for path in FIXTURES.glob("*.jsonl")) == sorted(REPLAYED) == sorted(SENT)


@pytest.mark.parametrize("name", sorted(REPLAYED))
def test_a_saved_session_loads_and_replays_as_it_did(name: str) -> None:
    store = SessionStore(FIXTURES)
    info = store.find(name)
    loaded = store.load(info)
    assert loaded.damaged_lines == (1 if name == "torn" else 0)
    kinds = {tool.name: tool.kind for tool in builtin_registry()}
    assert told(replay_events(loaded.messages, load_call_views(info.path), kinds)) == REPLAYED[name]
    assert store.saved_mode(info) == ("plan" if name == "mode" else None)


def test_notes_saved_in_the_text_come_back_in_a_field_of_their_own() -> None:
    store = SessionStore(FIXTURES)
    interrupted = store.load(store.find("interrupted")).messages
    notes = [(m.content, m.note) for m in interrupted if isinstance(m, AssistantMessage) and m.note]
    assert notes == [("This", cut_short(INTERRUPTED)), ("", NO_REPLY_NOTE)]
    (summary, *_) = store.load(store.find("compaction")).messages
    assert isinstance(summary, UserMessage) and summary.note == SUMMARY_NOTE
    assert summary.content.startswith("The earlier part of this conversation was summarised")


@pytest.mark.parametrize("name", sorted(SENT))
async def test_a_saved_session_resumes_and_the_model_reads_it_as_before(
    name: str, tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    repo.mkdir()
    (home / "sessions").mkdir(parents=True)
    saved = home / "sessions" / f"{name}.jsonl"
    shutil.copy(FIXTURES / f"{name}.jsonl", saved)
    fake_mistral.script(reply("Continued."))
    env = {"VIBE_HOME": str(home), "VIBE_BASE_URL": fake_mistral.base_url, "VIBE_MODEL": "devstral-test"}
    engine = Engine.load(repo, env, {})
    try:
        agent = await engine.new_agent(RunOptions(cwd=repo, resume=name), HeadlessApprover())
        try:
            events = [event async for event in agent.run("next")]
        finally:
            await agent.aclose()
    finally:
        await engine.aclose()
    result = events[-1]
    assert isinstance(result, ev.Result) and result.status == "success", result
    (request,) = fake_mistral.requests
    assert [sent(message) for message in request.messages[1:]] == SENT[name]
    # The resumed file, old lines and new, loads again with the continued conversation.
    store = SessionStore(home / "sessions")
    again = store.load(store.find(name)).messages
    assert [message.role for message in again[-2:]] == ["user", "assistant"]
    assert again[-1].content == "Continued."


def told(events: Sequence[ev.AgentEvent]) -> list[str]:
    shown: list[str] = []
    for event in events:
        match event:
            case ev.UserPrompt(text=text):
                shown.append(f"user: {text[:40]}")
            case ev.TextDelta(text=text):
                shown.append(f"text: {text[:40]}")
            case ev.AnswerCutShort(reason=reason):
                shown.append(f"cut short: {reason}")
            case ev.ConversationSummarised():
                shown.append("summarised")
            case ev.ToolCallStarted(tool=tool, title=title, kind=kind, locations=locations):
                shown.append(f"call {tool} {title!r} {kind} {locations}")
            case ev.ToolCallFinished(tool=tool, status=status):
                shown.append(f"done {tool} {status}")
            case ev.TurnStarted():
                pass
            case _:
                shown.append(type(event).__name__)
    return shown


def sent(message: dict[str, object]) -> str:
    role, content = message.get("role"), message.get("content")
    if role == "tool":
        return f"tool: {message.get('name')}"
    text = content if isinstance(content, str) else ""
    if text.startswith("[conversation summary]"):
        text = text[:80]
    calls = message.get("tool_calls")
    names = [f"+{call['function']['name']}" for call in calls] if isinstance(calls, list) else []  # pyright: ignore[reportUnknownVariableType]
    return " ".join([f"{role}: {text}".rstrip(), *names]) if names else f"{role}: {text}"

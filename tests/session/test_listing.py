"""A session's one-line summary: first prompt from the first records only, size and age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from vibe.messages import AssistantMessage, UserMessage
from vibe.session.listing import human_size, summarise, time_ago
from vibe.session.records import ModeRecord
from vibe.session.store import SessionStore


def test_the_first_prompt_is_found_and_put_on_one_line(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(tmp_path, "m", "terminal")
    writer.write(ModeRecord(mode="plan"))  # a record before the prompt does not hide it
    writer.append_message(UserMessage(content="  fix\n\nthe\ttests  "))
    writer.append_message(AssistantMessage(content="ok"))
    writer.append_message(UserMessage(content="second prompt"))
    writer.close()
    summary = summarise(store.find(writer.id))
    assert summary is not None
    assert summary.first_prompt == "fix the tests"
    assert summary.size_bytes == writer.info.path.stat().st_size
    assert summary.info.frontend == "terminal"


def test_a_fork_is_named_by_the_conversation_it_continues(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    original = store.create(tmp_path, "m")
    original.close()
    fork = store.fork(original.info, [UserMessage(content="where it began"), AssistantMessage(content="a")])
    fork.append_message(UserMessage(content="where it went on"))
    fork.close()
    summary = summarise(store.find(fork.id))
    assert summary is not None and summary.first_prompt == "where it began"


def test_a_prompt_buried_deep_is_not_searched_for_and_a_torn_line_is_no_error(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(tmp_path, "m")
    for _ in range(30):
        writer.write(ModeRecord(mode="ask"))
    writer.append_message(UserMessage(content="too far in"))
    writer.close()
    summary = summarise(store.find(writer.id))
    assert summary is not None and summary.first_prompt == ""
    empty = store.create(tmp_path, "m")
    empty.close()
    with empty.info.path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind":"message","message":{"role":"us')
    summary = summarise(store.find(empty.id))
    assert summary is not None and summary.first_prompt == ""


def test_a_session_deleted_since_it_was_listed_is_left_out(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(tmp_path, "m")
    writer.close()
    info = store.find(writer.id)
    info.path.unlink()
    assert summarise(info) is None


def test_sizes_and_ages_read_as_people_say_them() -> None:
    assert [human_size(n) for n in (512, 14_000, 3_500_000)] == ["512 B", "14 KB", "3.3 MB"]
    now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
    ages = [
        timedelta(seconds=5),
        timedelta(minutes=7),
        timedelta(hours=5),
        timedelta(days=1),
        timedelta(days=3),
    ]
    assert [time_ago(now - age, now) for age in ages] == [
        "just now",
        "7 min ago",
        "5 h ago",
        "yesterday",
        "3 days ago",
    ]
    assert time_ago(now - timedelta(days=40), now) == "2026-10-26"
    assert time_ago(now + timedelta(minutes=5), now) == "just now"  # a clock that moved back

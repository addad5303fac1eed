"""Session files: written line by line, torn lines tolerated, secrets redacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibe.config.secrets import Redactor
from vibe.messages import AssistantMessage, ToolCall, ToolMessage, UserMessage
from vibe.session.store import SessionNotFoundError, SessionStore


def test_messages_round_trip_and_are_on_disk_immediately(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s")
    writer = store.create(tmp_path, "devstral")
    messages = [
        UserMessage(content="héllo 日本"),
        AssistantMessage(
            content="",
            reasoning="think",
            tool_calls=(ToolCall(id="abcDEF123", name="read_file", arguments="{}"),),
        ),
        ToolMessage(tool_call_id="abcDEF123", name="read_file", content="data"),
    ]
    for message in messages:
        writer.append_message(message)
    # Not closed: a crash now must still leave everything readable.
    assert store.load_messages(store.find(writer.id)) == messages
    assert (writer.info.path.stat().st_mode & 0o777) == 0o600


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(tmp_path, "m")
    writer.append_message(UserMessage(content="kept"))
    writer.close()
    with writer.info.path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind":"message","message":{"role":"user","con')
    assert store.load_messages(store.find(writer.id)) == [UserMessage(content="kept")]


def test_secrets_are_redacted(tmp_path: Path) -> None:
    key = "sk-live-0123456789abcdef"
    store = SessionStore(tmp_path, redact=Redactor([key]))
    writer = store.create(tmp_path, "m")
    writer.append_message(ToolMessage(tool_call_id="a", name="bash", content=f"MISTRAL_API_KEY={key}"))
    assert key not in writer.info.path.read_text()
    assert "[redacted]" in writer.info.path.read_text()


def test_latest_session_of_this_directory(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s")
    here, elsewhere = tmp_path / "a", tmp_path / "b"
    first = store.create(here, "m")
    store.create(elsewhere, "m")
    second = store.create(here, "m")
    second.append_message(UserMessage(content="newest"))
    assert store.sessions_for(here)[0].id == second.id
    assert {i.id for i in store.sessions_for(here)} == {first.id, second.id}
    with pytest.raises(SessionNotFoundError):
        store.find("no-such-session")


def test_a_session_records_which_face_of_vibe_started_it(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(tmp_path, "m", "editor")
    writer.close()
    assert store.find(writer.id).frontend == "editor"
    # A session written before the frontend was recorded still loads, with none.
    old = tmp_path / "20260101-000000-000000-abcd.jsonl"
    old.write_text(
        '{"kind":"session","id":"20260101-000000-000000-abcd","cwd":"/x","created":"t","model":"m"}\n'
    )
    assert store.find("20260101-000000-000000-abcd").frontend == ""

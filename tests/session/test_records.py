"""Session records: typed, versioned, written by one writer and read by one reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.vibe_process import TEST_CONFIG, VibeEnv, make_repo
from tools.fake_mistral import FakeMistral
from vibe.agent.approvals import HeadlessApprover
from vibe.composition.engine import Engine
from vibe.composition.run_options import RunOptions
from vibe.messages import AssistantMessage, UserMessage
from vibe.notes import INTERRUPTED, cut_short
from vibe.session.records import (
    CURRENT_FORMAT,
    ModeRecord,
    RetractRecord,
    SessionFormatError,
    read_session,
)
from vibe.session.store import SessionNotFoundError, SessionStore
from vibe.session.transcript import read_transcript


def written(tmp_path: Path) -> tuple[SessionStore, Path]:
    store = SessionStore(tmp_path / "sessions")
    writer = store.create(tmp_path, "devstral", "headless")
    writer.append_message(UserMessage(content="hello"))
    writer.write(ModeRecord(mode="plan"))
    writer.append_message(AssistantMessage(content="hi"))
    writer.close()
    return store, writer.info.path


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_header_says_which_format_wrote_the_file(tmp_path: Path) -> None:
    _, path = written(tmp_path)
    header = lines_of(path)[0]
    assert header["kind"] == "session" and header["format"] == CURRENT_FORMAT
    # The records of existing kinds keep the JSON earlier versions wrote.
    assert lines_of(path)[1:] == [
        {"kind": "message", "message": {"role": "user", "content": "hello"}},
        {"kind": "mode", "mode": "plan"},
        {
            "kind": "message",
            "message": {"role": "assistant", "content": "hi", "reasoning": "", "tool_calls": []},
        },
    ]


def test_a_file_without_a_format_is_version_one(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    path.write_text('{"kind":"session","id":"old","cwd":"/x"}\n{"kind":"retract","messages":1}\n')
    read = read_session(path)
    assert read.header is not None and read.header.format_version == (1, 0)
    assert read.records == [RetractRecord(messages=1)]


def test_records_a_newer_minor_version_added_are_skipped_and_counted(tmp_path: Path) -> None:
    store, path = written(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind":"checkpoint","files":["a.py"]}\n')  # a kind this version does not know
        handle.write('{"kind":"mode","mode":7}\n')  # a known kind in a shape it cannot read
        handle.write('{"kind":"message","message":{"role":"user","content":"more","later_field":1}}\n')
        handle.write('{"kind":"message","message":{"role":"user","content":"last"}}\n')
    loaded = store.load(store.find(path.stem))
    assert loaded.skipped_records == 3 and loaded.damaged_lines == 0
    assert [message.content for message in loaded.messages] == ["hello", "hi", "last"]
    assert store.saved_mode(store.find(path.stem)) == "plan"


def test_a_newer_major_version_is_refused_not_misread(tmp_path: Path) -> None:
    store, path = written(tmp_path)
    text = path.read_text(encoding="utf-8").replace(f'"format":"{CURRENT_FORMAT}"', '"format":"2.0"')
    path.write_text(text, encoding="utf-8")
    info = store.find(path.stem)  # still listed, so the user can see it is there
    with pytest.raises(SessionFormatError, match=r"newer version of vibe \(format 2\.0.*update vibe"):
        store.load(info)
    with pytest.raises(SessionNotFoundError):  # reported wherever an unknown session is
        read_transcript(info)
    assert path.read_text(encoding="utf-8") == text  # nothing lost


def test_resuming_a_newer_major_version_is_one_clear_sentence(vibe_env_factory: VibeEnv) -> None:
    env = vibe_env_factory
    sessions = env.home / "sessions"
    sessions.mkdir()
    (sessions / "future.jsonl").write_text(
        '{"kind":"session","id":"future","cwd":"/x","format":"2.0"}\n{"kind":"message","v2":true}\n'
    )
    run = env.run("--resume", "future", "-p", "hi", "--output", "json")
    assert run.returncode == 2
    assert "newer version of vibe" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_a_newer_major_version_is_listed_but_not_read(vibe_env_factory: VibeEnv) -> None:
    env = vibe_env_factory
    sessions = env.home / "sessions"
    sessions.mkdir()
    header = {"kind": "session", "id": "future", "cwd": str(env.repo), "format": "2.0"}
    (sessions / "future.jsonl").write_text(json.dumps(header) + '\n{"kind":"message","v2":1}\n')
    listed = env.run("sessions", "list")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    assert "future" in listed.stdout and "newer version of vibe" in listed.stdout
    shown = env.run("sessions", "show", "future")
    assert shown.returncode == 2 and "newer version of vibe" in shown.stderr
    assert "Traceback" not in shown.stderr


async def test_a_resumed_session_says_how_many_records_it_skipped(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    _, path = written(tmp_path / "home")
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"kind":"checkpoint","files":["a.py"]}\n')
    env = {"VIBE_HOME": str(tmp_path / "home"), "VIBE_BASE_URL": fake_mistral.base_url, "VIBE_MODEL": "m"}
    engine = Engine.load(tmp_path, env, {})
    try:
        agent = await engine.new_agent(RunOptions(cwd=tmp_path, resume=path.stem), HeadlessApprover())
        await agent.aclose()
    finally:
        await engine.aclose()
    notice = f"session {path.stem}: skipped 1 record written by a newer version of vibe"
    assert agent.facts.notices == [notice]


@pytest.fixture
def vibe_env_factory(tmp_path: Path, fake_mistral: FakeMistral) -> VibeEnv:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(TEST_CONFIG, encoding="utf-8")
    return VibeEnv(repo=make_repo(tmp_path / "repo", {"README.md": "demo\n"}), home=home, fake=fake_mistral)


def test_a_note_is_saved_beside_the_text_and_text_like_a_note_stays_text(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    writer = store.create(tmp_path, "m")
    cut = AssistantMessage(content="Half", note=cut_short(INTERRUPTED))
    looks_like_one = AssistantMessage(content="quoting vibe:\n[cut short: the run was interrupted]")
    writer.append_message(cut)
    writer.append_message(looks_like_one)
    writer.close()
    assert lines_of(writer.info.path)[1]["message"] == {
        "role": "assistant",
        "content": "Half",
        "reasoning": "",
        "tool_calls": [],
        "note": {"kind": "cut_short", "why": "the run was interrupted"},
    }
    assert store.load_messages(store.find(writer.id)) == [cut, looks_like_one]


@pytest.mark.parametrize(
    "header",
    [
        '{"kind":"session","id":"s","format":2}',  # a bare number
        '{"kind":"session","id":"s","format":"two"}',  # not a version at all
        '{"kind":"session","id":["s"],"format":"1.0"}',  # a header in a shape this one cannot read
    ],
)
def test_a_header_this_version_cannot_place_is_refused_not_guessed(tmp_path: Path, header: str) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(header + '\n{"kind":"message","message":{"role":"user","content":"hi"}}\n')
    with pytest.raises(SessionFormatError, match="update vibe to open it"):
        read_session(path)

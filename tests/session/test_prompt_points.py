"""The prompts of a session file as /rewind sees them: their place in the history, their
checkpoint, and what retracts, compactions and forks do to them."""

from __future__ import annotations

from pathlib import Path

from vibe.messages import AssistantMessage, Note, UserMessage
from vibe.session.prompt_points import prompt_points
from vibe.session.records import CheckpointRecord, CompactionRecord, RetractRecord
from vibe.session.store import SessionStore


def test_prompts_checkpoints_retracts_and_compactions(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    writer = store.create(tmp_path, "m")
    writer.append_message(UserMessage(content="one"))
    writer.write(CheckpointRecord(kind="checkpoint_created", checkpoint_id="c1"))
    writer.append_message(AssistantMessage(content="did one"))
    writer.append_message(UserMessage(content="two"))  # changed nothing: no checkpoint
    writer.append_message(AssistantMessage(content="did two"))
    writer.append_message(UserMessage(content="too big"))
    writer.write(RetractRecord(messages=1))
    writer.append_message(UserMessage(content="three"))
    writer.write(CheckpointRecord(kind="checkpoint_created", checkpoint_id="c3"))
    path = writer.info.path

    points = prompt_points(path)
    assert [(p.text, p.history_index, p.checkpoint_id, p.retracted) for p in points] == [
        ("one", 0, "c1", False),
        ("two", 2, None, False),
        ("too big", None, None, True),
        ("three", 4, "c3", False),
    ]

    # A compaction keeps the recent prompts as they were: they are found again; "one" is gone.
    summary = UserMessage(content="summary", note=Note(kind="summary"))
    writer.write(
        CompactionRecord(
            messages=[
                summary,
                UserMessage(content="two"),
                AssistantMessage(content="did two"),
                UserMessage(content="three"),
            ]
        )
    )
    writer.close()
    after = prompt_points(path)
    assert [(p.text, p.history_index, p.checkpoint_id) for p in after if not p.retracted] == [
        ("one", None, "c1"),
        ("two", 1, None),
        ("three", 3, "c3"),
    ]


def test_a_fork_brings_the_prompts_it_continues(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions")
    original = store.create(tmp_path, "m")
    original.close()
    writer = store.fork(original.info, [UserMessage(content="before"), AssistantMessage(content="ok")])
    writer.append_message(UserMessage(content="after"))
    writer.write(CheckpointRecord(kind="checkpoint_created", checkpoint_id="c9"))
    writer.close()
    points = prompt_points(writer.info.path)
    assert [(p.text, p.history_index, p.checkpoint_id) for p in points] == [
        ("before", 0, None),
        ("after", 2, "c9"),
    ]

"""/rewind through the conversation service, over the real engine, the scripted endpoint and a
real git repository: files only, the conversation only, or both; what the session file and the
audit log then say; and that the agent really continues from the earlier history."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from support.conversations import events_of, make_home, open_conversation
from support.vibe_process import make_repo
from tools.fake_mistral import FakeMistral, call, reply
from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.protocol.commands import find_command
from vibe.service.commands import operation_for
from vibe.service.conversation import Conversation
from vibe.service.host import ServiceError
from vibe.session.records import read_session


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"a.txt": "0\n"})


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return make_home(tmp_path / "home", 'permission_mode = "auto"\n')


@pytest.fixture
async def conversation(home: Path, repo: Path, fake_mistral: FakeMistral) -> AsyncIterator[Conversation]:
    async with open_conversation(home, repo, fake_mistral) as conversation:
        yield conversation


def slash(argument: str = "") -> op.Operation:
    command = find_command("rewind", "editor")
    assert command is not None and find_command("rewind", "tui") is not None
    operation = operation_for(command, argument)
    assert operation is not None
    return operation


async def three_prompts(conversation: Conversation, repo: Path, fake: FakeMistral) -> None:
    """1 writes a.txt, 2 makes b.txt, then the user makes d.txt, then 3 writes a.txt again."""
    fake.script(
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": "1\n"})]),
        reply("one"),
        reply(tool_calls=[call("write_file", {"path": "b.txt", "content": "b\n"})]),
        reply("two"),
        reply(tool_calls=[call("write_file", {"path": "a.txt", "content": "3\n"})]),
        reply("three"),
    )
    await events_of(conversation, op.Prompt(text="first"))
    await events_of(conversation, op.Prompt(text="second"))
    (repo / "d.txt").write_text("mine\n")
    await events_of(conversation, op.Prompt(text="third"))


def user_prompts(conversation: Conversation) -> list[str]:
    return [m.content for m in conversation.agent.history if m.role == "user"]


async def test_rewind_lists_the_prompts_then_restores_files_and_conversation(
    conversation: Conversation, repo: Path, home: Path, fake_mistral: FakeMistral
) -> None:
    await three_prompts(conversation, repo, fake_mistral)

    (listed,) = await events_of(conversation, slash())
    assert isinstance(listed, ev.RewindChoices)
    assert [(c.prompt, c.text, c.files_changed) for c in listed.choices] == [
        (1, "first", 1),
        (2, "second", 1),
        (3, "third", 1),
    ]
    assert all(c.checkpoint_id and c.conversation for c in listed.choices)

    (planned,) = await events_of(conversation, slash("2"))
    assert isinstance(planned, ev.RestorePlanned) and planned.action == "rewind"
    assert planned.checkpoint_id == listed.choices[1].checkpoint_id and planned.prompt == 2
    assert {(c.action, c.path) for c in planned.changes} == {("restore", "a.txt"), ("delete", "b.txt")}
    assert planned.kept == ["d.txt"], "the user's file, made between the prompts, is named and kept"
    assert planned.messages_dropped > 0
    assert (repo / "a.txt").read_text() == "3\n", "asking changes nothing"

    answered = await events_of(conversation, slash("2 yes"))
    restored, rewound = answered
    assert isinstance(restored, ev.CheckpointRestored) and restored.action == "rewind"
    assert isinstance(rewound, ev.ConversationRewound) and rewound.prompt == 2 and rewound.text == "second"
    assert 0 < restored.seq < rewound.seq, "numbered in the conversation's order"
    assert (repo / "a.txt").read_text() == "1\n" and not (repo / "b.txt").exists()
    assert (repo / "d.txt").read_text() == "mine\n"
    assert user_prompts(conversation) == ["first"]

    # The session file says both; the audit log says the restore.
    records = read_session(conversation.agent.session_file or Path()).records
    kinds = [record.kind for record in records]
    assert "checkpoint_restored" in kinds
    retract = [r for r in records if r.kind == "retract"][-1]
    assert retract.model_dump()["rewound_to_prompt"] == 2
    audit = [json.loads(line) for line in (home / "audit.jsonl").read_text().splitlines()]
    (logged,) = [line for line in audit if line.get("event") == "checkpoint_restored"]
    assert logged["action"] == "rewind" and logged["checkpoint_id"] == restored.checkpoint_id

    # The agent continues from before prompt 2.
    fake_mistral.script(reply("fresh"))
    await events_of(conversation, op.Prompt(text="again"))
    sent = [m["content"] for m in fake_mistral.requests[-1].messages if m["role"] == "user"]
    assert sent == ["first", "again"]

    # /redo puts the files back as the rewind found them.
    (redone,) = await events_of(conversation, op.Redo(confirmed=True))
    assert isinstance(redone, ev.CheckpointRestored) and redone.action == "redo"
    assert (repo / "a.txt").read_text() == "3\n" and (repo / "b.txt").read_text() == "b\n"


async def test_rewind_of_the_conversation_only_leaves_the_files(
    conversation: Conversation, repo: Path, fake_mistral: FakeMistral
) -> None:
    await three_prompts(conversation, repo, fake_mistral)
    (planned,) = await events_of(conversation, slash("3 conversation"))
    assert isinstance(planned, ev.RestorePlanned) and planned.changes == [] and planned.checkpoint_id == ""
    (rewound,) = await events_of(conversation, slash("3 conversation yes"))
    assert isinstance(rewound, ev.ConversationRewound)
    assert (repo / "a.txt").read_text() == "3\n" and (repo / "b.txt").exists()
    assert user_prompts(conversation) == ["first", "second"]
    # Prompt 3 is gone from the choices now.
    (listed,) = await events_of(conversation, slash())
    assert isinstance(listed, ev.RewindChoices) and [c.text for c in listed.choices] == ["first", "second"]


async def test_rewind_of_the_files_only_keeps_the_conversation(
    conversation: Conversation, repo: Path, fake_mistral: FakeMistral
) -> None:
    await three_prompts(conversation, repo, fake_mistral)
    (restored,) = await events_of(conversation, slash("1 files force"))
    assert isinstance(restored, ev.CheckpointRestored)
    assert (repo / "a.txt").read_text() == "0\n" and not (repo / "b.txt").exists()
    assert not (repo / "d.txt").exists(), "force also takes back the user's own file"
    assert user_prompts(conversation) == ["first", "second", "third"]


async def test_rewind_says_what_it_cannot_do(conversation: Conversation, fake_mistral: FakeMistral) -> None:
    with pytest.raises(ServiceError, match="no prompt in this conversation yet"):
        await events_of(conversation, slash())
    fake_mistral.script(reply("just talk"))
    await events_of(conversation, op.Prompt(text="hello"))
    with pytest.raises(ServiceError, match="has 1 prompt"):
        await events_of(conversation, slash("4"))
    with pytest.raises(ServiceError, match="no file changed from prompt 1 on"):
        await events_of(conversation, slash("1 files"))
    with pytest.raises(ServiceError, match="a prompt's number first"):
        slash("last")
    with pytest.raises(ServiceError, match="not 'please'"):
        slash("1 please")

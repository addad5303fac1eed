"""/undo and /redo through the conversation service, over the real engine, the scripted endpoint
and the real shadow repository: first what would change, then (confirmed) the restore."""

from __future__ import annotations

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


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {"notes.txt": "before\n"})


@pytest.fixture
async def conversation(tmp_path: Path, repo: Path, fake_mistral: FakeMistral) -> AsyncIterator[Conversation]:
    home = make_home(tmp_path / "home", 'permission_mode = "auto"\n')
    async with open_conversation(home, repo, fake_mistral) as conversation:
        yield conversation


def slash(name: str, argument: str = "") -> op.Operation:
    command = find_command(name, "editor")
    assert command is not None
    operation = operation_for(command, argument)
    assert operation is not None
    return operation


async def test_undo_shows_the_plan_then_restores_and_redo_puts_it_back(
    conversation: Conversation, repo: Path, fake_mistral: FakeMistral
) -> None:
    fake_mistral.script(
        reply(tool_calls=[call("write_file", {"path": "notes.txt", "content": "after\n"})]),
        reply(tool_calls=[call("write_file", {"path": "new/made.txt", "content": "made\n"})]),
        reply("done"),
    )
    run = await events_of(conversation, op.Prompt(text="change it"))
    (created,) = [event for event in run if isinstance(event, ev.CheckpointCreated)]
    first_finished = next(event for event in run if isinstance(event, ev.ToolCallFinished))
    assert created.seq < first_finished.seq, "taken before the first change ran"

    (planned,) = await events_of(conversation, slash("undo"))
    assert isinstance(planned, ev.RestorePlanned) and planned.checkpoint_id == created.checkpoint_id
    assert {(c.action, c.path) for c in planned.changes} == {
        ("restore", "notes.txt"),
        ("delete", "new/made.txt"),
    }
    assert (repo / "notes.txt").read_text() == "after\n", "asking changes nothing"

    (restored,) = await events_of(conversation, slash("undo", "yes"))
    assert isinstance(restored, ev.CheckpointRestored)
    assert (repo / "notes.txt").read_text() == "before\n" and not (repo / "new").exists()

    with pytest.raises(ServiceError, match="nothing more to undo"):
        await events_of(conversation, slash("undo"))

    (redone,) = await events_of(conversation, slash("redo", "yes"))
    assert isinstance(redone, ev.CheckpointRestored)
    assert (repo / "notes.txt").read_text() == "after\n"
    assert (repo / "new" / "made.txt").read_text() == "made\n"


async def test_undo_with_nothing_done_says_so(conversation: Conversation) -> None:
    with pytest.raises(ServiceError, match="nothing to undo"):
        await events_of(conversation, slash("undo"))
    with pytest.raises(ServiceError, match="takes yes or force"):
        slash("undo", "please")

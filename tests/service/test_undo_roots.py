"""Undo, redo and rewind across two workspace roots (`--add-dir`): the extra root has a shadow
of its own, snapshotted with the main folder's, and is restored with it."""

from __future__ import annotations

from pathlib import Path

from support.conversations import events_of, make_home
from support.vibe_process import make_repo
from tools.fake_mistral import FakeMistral, call, reply
from vibe.composition.conversation_host import EngineHost
from vibe.composition.engine import Engine
from vibe.composition.run_options import RunOptions
from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.service.conversation import Conversation


async def test_undo_redo_and_rewind_cover_an_added_root(tmp_path: Path, fake_mistral: FakeMistral) -> None:
    repo = make_repo(tmp_path / "repo", {"main.txt": "m0\n"})
    other = tmp_path / "other"
    other.mkdir()
    (other / "lib.txt").write_text("l0\n")
    home = make_home(tmp_path / "home", 'permission_mode = "auto"\n')
    env = {"VIBE_HOME": str(home), "VIBE_BASE_URL": fake_mistral.base_url, "VIBE_MODEL": "devstral-test"}
    engine = Engine.load(repo, env, {})
    options = RunOptions(cwd=repo, frontend="terminal", extra_roots=(other,))
    conversation = Conversation(EngineHost(lambda: engine, options))
    await conversation.open()
    try:
        fake_mistral.script(
            reply(tool_calls=[call("write_file", {"path": "main.txt", "content": "m1\n"})]),
            reply(tool_calls=[call("write_file", {"path": str(other / "lib.txt"), "content": "l1\n"})]),
            reply(
                tool_calls=[call("write_file", {"path": str(other / "new" / "made.txt"), "content": "x\n"})]
            ),
            reply("done"),
            reply(tool_calls=[call("write_file", {"path": str(other / "lib.txt"), "content": "l2\n"})]),
            reply("done again"),
        )
        first = await events_of(conversation, op.Prompt(text="change both"))
        assert [e for e in first if isinstance(e, ev.CheckpointCreated)], "one checkpoint marker per prompt"
        assert len([e for e in first if isinstance(e, ev.CheckpointCreated)]) == 1
        await events_of(conversation, op.Prompt(text="change the library"))
        assert (other / "lib.txt").read_text() == "l2\n"

        (planned,) = await events_of(conversation, op.Undo())
        assert isinstance(planned, ev.RestorePlanned)
        assert [(c.action, c.path) for c in planned.changes] == [
            ("restore", str(other.resolve() / "lib.txt"))
        ]
        await events_of(conversation, op.Undo(confirmed=True))
        assert (other / "lib.txt").read_text() == "l1\n" and (repo / "main.txt").read_text() == "m1\n"

        (planned,) = await events_of(conversation, op.Undo())
        assert isinstance(planned, ev.RestorePlanned)
        assert {(c.action, c.path) for c in planned.changes} == {
            ("restore", "main.txt"),
            ("restore", str(other.resolve() / "lib.txt")),
            ("delete", str(other.resolve() / "new" / "made.txt")),
        }
        (undone,) = await events_of(conversation, op.Undo(confirmed=True))
        assert isinstance(undone, ev.CheckpointRestored) and len(undone.restored) == 3
        assert (repo / "main.txt").read_text() == "m0\n" and (other / "lib.txt").read_text() == "l0\n"
        assert not (other / "new").exists()

        await events_of(conversation, op.Redo(confirmed=True))
        assert (repo / "main.txt").read_text() == "m1\n" and (other / "lib.txt").read_text() == "l1\n"
        assert (other / "new" / "made.txt").read_text() == "x\n"

        (rewound, _conversation) = await events_of(conversation, op.Rewind(prompt=1, confirmed=True))
        assert isinstance(rewound, ev.CheckpointRestored)
        assert (repo / "main.txt").read_text() == "m0\n" and (other / "lib.txt").read_text() == "l0\n"
        assert not (other / "new").exists()
        # The extra root's files were snapshotted in a shadow of its own, not the main folder's.
        assert len(list((home / "checkpoints").iterdir())) == 2
    finally:
        await conversation.aclose()
        await engine.aclose()

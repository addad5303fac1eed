"""The custom agent a conversation works as is saved in its session and restored on resume; an
agent that is gone by then leaves the session working as `default`, with one notice."""

from __future__ import annotations

import json
from pathlib import Path

from support.conversations import events_of, make_home, open_conversation
from support.vibe_process import make_repo
from tools.fake_mistral import FakeMistral, reply
from vibe.composition.conversation_host import EngineHost
from vibe.composition.engine import Engine
from vibe.composition.run_options import RunOptions
from vibe.protocol import operations as op
from vibe.service.conversation import Conversation

MINE = "---\nname: mine\ndescription: The user's own.\nmodel: french-model\n---\nAlways answer in French.\n"


async def _session_working_as(home: Path, repo: Path, fake: FakeMistral, name: str) -> str:
    fake.script(reply("ok"))
    async with open_conversation(home, repo, fake) as conversation:
        await events_of(conversation, op.SetAgent(name=name))
        await events_of(conversation, op.Prompt(text="hello"))
        return conversation.session_id


async def test_resume_restores_the_agent_and_continue_does_too(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home")
    (home / "agents").mkdir()
    (home / "agents" / "mine.md").write_text(MINE)
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    session_id = await _session_working_as(home, repo, fake_mistral, "mine")
    saved = [
        json.loads(line)
        for line in next((home / "sessions").rglob(f"*{session_id}*")).read_text().splitlines()
    ]
    assert saved[0]["format"] == "1.3" and {"kind": "agent", "name": "mine"} in saved

    fake_mistral.script(reply("bonjour"))
    async with open_conversation(home, repo, fake_mistral) as conversation:
        assert conversation.agent_name == "default"
        await events_of(conversation, op.ResumeConversation(session_id=session_id))
        assert conversation.agent_name == "mine"
        await events_of(conversation, op.Prompt(text="again"))
    resumed = fake_mistral.requests[-1].body
    assert "Always answer in French." in resumed["messages"][0]["content"]
    assert resumed["model"] == "french-model"  # the agent's own model, as when it was chosen

    env = {"VIBE_HOME": str(home), "VIBE_BASE_URL": fake_mistral.base_url, "VIBE_MODEL": "devstral-test"}
    engine = Engine.load(repo, env, {})
    options = RunOptions(cwd=repo, frontend="terminal", continue_session=True)
    continued = Conversation(EngineHost(lambda: engine, options))
    await continued.open()
    try:
        assert (continued.session_id, continued.agent_name) == (session_id, "mine")
    finally:
        await continued.aclose()
        await engine.aclose()


async def test_an_agent_gone_since_resumes_as_default_with_one_notice(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home")
    (home / "agents").mkdir()
    (home / "agents" / "mine.md").write_text(MINE)
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    session_id = await _session_working_as(home, repo, fake_mistral, "mine")
    (home / "agents" / "mine.md").unlink()

    fake_mistral.script(reply("hello"))
    async with open_conversation(home, repo, fake_mistral) as conversation:
        await events_of(conversation, op.ResumeConversation(session_id=session_id))
        assert conversation.agent_name == "default"
        notices = [notice for notice in conversation.facts.notices if "`mine`" in notice]
        assert len(notices) == 1 and "continues as `default`" in notices[0]
        await events_of(conversation, op.Prompt(text="again"))
    assert "Always answer in French." not in fake_mistral.requests[-1].body["messages"][0]["content"]


async def test_a_session_switched_back_to_default_resumes_as_default_over_the_sticky_choice(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    home = make_home(tmp_path / "home")
    repo = make_repo(tmp_path / "repo", {"README.md": "demo\n"})
    fake_mistral.script(reply("ok"))
    async with open_conversation(home, repo, fake_mistral) as conversation:
        await events_of(conversation, op.SetAgent(name="review"))
        await events_of(conversation, op.SetAgent(name="default"))
        await events_of(conversation, op.Prompt(text="hello"))
        first = conversation.session_id
        await events_of(conversation, op.NewConversation())
        await events_of(conversation, op.SetAgent(name="review"))
        await events_of(conversation, op.ResumeConversation(session_id=first))
        assert (conversation.agent_name, conversation.mode) == ("default", "accept-edits")  # no plan ceiling

"""Context hooks add to a prompt: the model reads it, people shown the conversation again do not."""

from __future__ import annotations

from vibe.agent.hook_text import with_context
from vibe.agent.replay import replay_events
from vibe.messages import UserMessage
from vibe.notes import with_note_in_text
from vibe.protocol import events as ev


def test_a_resumed_session_shows_the_prompt_as_typed_and_the_model_still_reads_the_context() -> None:
    message = UserMessage(content=with_context("fix the build", ["branch: feature/x", "ticket ABC-1"]))
    assert "ticket ABC-1" in with_note_in_text(message).content
    (shown,) = replay_events([message], {}, {})
    assert isinstance(shown, ev.UserPrompt) and shown.text == "fix the build"


def test_a_prompt_that_merely_mentions_hooks_is_shown_whole() -> None:
    typed = "why does [Context from the user's hooks] appear in my prompts?"
    (shown,) = replay_events([UserMessage(content=typed)], {}, {})
    assert isinstance(shown, ev.UserPrompt) and shown.text == typed

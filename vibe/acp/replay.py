"""A saved conversation replayed as `session/update`s, for `session/load`.

The replayed events (`vibe.agent.replay`, shared with the TUI) go through the same
`EventTranslator` a live turn uses, so tool calls keep their kind, title, locations, status and
content formatting. What only a replay tells is shown here: the user's prompts, and a short note
in place of a compaction's summary. An answer cut short is shown without a note, as the editor
showed it live (the turn's stop reason said the rest). An edit replays as its result text: its
full old and new text is not saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from acp.helpers import update_agent_message_text, update_user_message_text

from vibe.acp.editor_fs import FileActivity
from vibe.acp.translate import EventTranslator, Update
from vibe.protocol import events as ev

if TYPE_CHECKING:
    from vibe.acp.session import EditorSession

# In place of a compacted conversation's summary, which was written for the model.
SUMMARISED_NOTE = "> (earlier conversation summarised to fit the context window)\n\n"


async def replay_session(session: EditorSession) -> list[Update]:
    """The updates that show `session`'s saved conversation, as its live turns showed it."""
    # A translator of its own, set up like the session's live one: replaying leaves it untouched.
    translator = EventTranslator(cwd=session.cwd, activity=FileActivity(), paths=session.paths)
    updates: list[Update] = []
    for event in await session.conversation.replay():
        match event:
            case ev.UserPrompt(text=text):
                updates.append(update_user_message_text(text))
            case ev.ConversationSummarised():
                updates.append(update_agent_message_text(SUMMARISED_NOTE))
            case _:
                updates += translator.translate(event)
    # Calls a crash left unanswered: the editor must not show them running.
    return updates + translator.close_open_calls()

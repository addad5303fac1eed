"""Opening the session a run asked for: a new one, the folder's latest (--continue), or a saved
one (--resume), forked when another run is still writing it, with what the user should hear of it."""

from __future__ import annotations

from dataclasses import dataclass

from vibe.composition.run_options import RunOptions
from vibe.messages import Message
from vibe.session.store import (
    SessionBusyError,
    SessionInfo,
    SessionNotFoundError,
    SessionStore,
    SessionWriter,
)

__all__ = ["OpenedSession", "SessionInUseError", "open_session"]


class SessionInUseError(SessionNotFoundError):
    """The session asked for is being written by another run (and forking was not wanted)."""


@dataclass(frozen=True, slots=True)
class OpenedSession:
    writer: SessionWriter
    history: list[Message]
    resumed: bool
    forked_from: str | None = None
    # Sentences for the user about the session file (damaged lines skipped, a fork).
    notices: tuple[str, ...] = ()
    # The custom agent the resumed session last worked as (None: it never chose one).
    saved_agent: str | None = None


def chosen_session(store: SessionStore, options: RunOptions) -> SessionInfo | None:
    """The saved session `--resume` or `-c` names (None: a new one); SessionNotFoundError when
    there is no such session."""
    if options.resume:
        return store.find(options.resume)
    if options.continue_session:
        infos = store.sessions_for(options.cwd)
        if not infos:
            raise SessionNotFoundError(f"no earlier session in {options.cwd} to continue")
        return infos[0]
    return None


def open_session(store: SessionStore, options: RunOptions, model_name: str) -> OpenedSession:
    info = chosen_session(store, options)
    if info is None:
        return OpenedSession(store.create(options.cwd, model_name, options.frontend), [], False)
    loaded = store.load(info)
    saved_agent = store.saved_agent(info)
    notices: list[str] = []
    if loaded.damaged_lines:
        lines = f"{loaded.damaged_lines} damaged line{'s' if loaded.damaged_lines != 1 else ''}"
        notices.append(f"session {info.id}: skipped {lines} (cut off by a crash or a full disk)")
    if loaded.skipped_records:
        records = f"{loaded.skipped_records} record{'s' if loaded.skipped_records != 1 else ''}"
        notices.append(f"session {info.id}: skipped {records} written by a newer version of vibe")
    try:
        writer = store.reopen(info)
    except SessionBusyError:
        if not options.fork_if_busy:
            raise SessionInUseError(
                f"session {info.id} is being written by another vibe run; try again once it has ended"
            ) from None
        writer = store.fork(info, loaded.messages, options.frontend)
        notices.append(
            f"session {info.id} is still being written by another run, so this run continues it "
            f"as a new session {writer.id}"
        )
        return OpenedSession(writer, loaded.messages, True, info.id, tuple(notices), saved_agent)
    return OpenedSession(writer, loaded.messages, True, notices=tuple(notices), saved_agent=saved_agent)

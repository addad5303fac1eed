"""/rewind for every frontend: back to before an earlier prompt of this conversation.

The prompts and their checkpoints are read from the session file (`vibe.session.prompt_points`).
Without a prompt the answer lists them (`rewind_choices`); unconfirmed, it says what would
change (`restore_planned`, with how much of the conversation would be forgotten); confirmed, it
restores the files (the current state is kept as a checkpoint first, the user's own later
changes are kept unless forced) and then cuts the conversation back, so the agent continues from
the history as it was before that prompt. The git work and the file reading run in a thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vibe.messages import UserMessage
from vibe.protocol import events as ev
from vibe.protocol import operations as op
from vibe.service.host import ServiceError
from vibe.service.root_steps import ExtraRoot, RootStep, combined_changes, combined_result, extra_steps

if TYPE_CHECKING:
    from vibe.agent.loop import Agent
    from vibe.checkpoints.store import CheckpointStore
    from vibe.checkpoints.undo import UndoStep
    from vibe.session.prompt_points import PromptPoint

__all__ = ["rewind"]

_SHOWN_TEXT = 80


@dataclass(frozen=True, slots=True)
class _Chosen:
    number: int
    point: PromptPoint
    # The prompt checkpoints of this session from the chosen prompt on, oldest first.
    checkpoint_ids: list[str]


async def rewind(
    agent: Agent, store: CheckpointStore | None, operation: op.Rewind, extras: list[ExtraRoot]
) -> list[ev.AgentEvent]:
    """The events answering `operation` (not yet numbered). Raises ServiceError. `extras`: the
    extra workspace roots, rewound with the main folder."""
    path = agent.session_file
    if path is None:
        raise ServiceError("this conversation is not saved: /rewind reads its prompts from the session file")
    answered, cut = await asyncio.to_thread(_rewind, agent, store, operation, extras)
    if cut is not None and cut.point.history_index is not None:
        # On the event loop, where the agent's history is only ever changed.
        dropped = agent.rewind_to(cut.point.history_index, cut.number)
        rewound = ev.ConversationRewound(prompt=cut.number, text=cut.point.text, messages_dropped=dropped)
        answered.append(rewound)
    return answered


def _rewind(
    agent: Agent, store: CheckpointStore | None, operation: op.Rewind, extras: list[ExtraRoot]
) -> tuple[list[ev.AgentEvent], _Chosen | None]:
    """The answer so far, and the prompt to cut the conversation back to (after the files)."""
    from vibe.checkpoints.shadow import CheckpointError

    try:
        points = _listed(agent)
        if operation.prompt is None:
            choices = [_choice(store, number, point) for number, point in enumerate(points[0], 1)]
            return [ev.RewindChoices(choices=choices)], None
        chosen = _chosen(points, operation.prompt)
        dropped = _messages_dropped(agent, chosen, operation)
        step = _files_step(store, chosen, operation)
        steps: list[RootStep] = []
        if step is not None and store is not None:
            more = extra_steps(extras, "rewind", step, chosen.checkpoint_ids, operation.force)
            steps = [RootStep(None, store, step), *more]
        if not operation.confirmed:
            return [_planned(chosen, steps, dropped)], None
        restored = _restore_files(steps, operation)
        return restored, chosen if operation.restore != "files" else None
    except (CheckpointError, OSError) as exc:
        raise ServiceError(str(exc)) from None


def _listed(agent: Agent) -> tuple[list[PromptPoint], list[PromptPoint]]:
    """(the prompts offered, numbered from 1 in this order; every prompt the file records)."""
    from vibe.session.prompt_points import prompt_points
    from vibe.session.store import SessionFormatError

    assert agent.session_file is not None
    try:
        every = prompt_points(agent.session_file)
    except SessionFormatError as exc:
        raise ServiceError(str(exc)) from None
    offered = [
        point
        for point in every
        if not point.retracted and (point.history_index is not None or point.checkpoint_id is not None)
    ]
    if not offered:
        raise ServiceError("no prompt in this conversation yet: there is nothing to rewind to")
    return offered, every


def _chosen(points: tuple[list[PromptPoint], list[PromptPoint]], number: int) -> _Chosen:
    offered, every = points
    if number > len(offered):
        raise ServiceError(f"this conversation has {len(offered)} prompt(s); /rewind lists them")
    point = offered[number - 1]
    later = every[every.index(point) :]
    return _Chosen(number, point, [p.checkpoint_id for p in later if p.checkpoint_id is not None])


def _choice(store: CheckpointStore | None, number: int, point: PromptPoint) -> ev.RewindChoice:
    first_line = point.text.strip().splitlines()[0] if point.text.strip() else ""
    text = first_line if len(first_line) <= _SHOWN_TEXT else first_line[: _SHOWN_TEXT - 1] + "…"
    return ev.RewindChoice(
        prompt=number,
        text=text,
        checkpoint_id=point.checkpoint_id,
        files_changed=_files_changed(store, point.checkpoint_id),
        conversation=point.history_index is not None,
    )


def _files_changed(store: CheckpointStore | None, checkpoint_id: str | None) -> int:
    """How many files the prompt changed: from its checkpoint to where it ended."""
    if store is None or checkpoint_id is None:
        return 0
    from vibe.checkpoints.shadow import CheckpointError

    try:
        checkpoint = store.find(checkpoint_id)
        ended = store.end_tree(checkpoint)
        return len(store.changed_paths(checkpoint.tree, ended)) if ended is not None else 0
    except CheckpointError:  # pruned since: the list still offers the conversation
        return 0


def _messages_dropped(agent: Agent, chosen: _Chosen, operation: op.Rewind) -> int:
    if operation.restore == "files":
        return 0
    index = chosen.point.history_index
    if index is None:
        raise ServiceError(
            f"prompt {chosen.number} was summarised by a compaction: only its files can be rewound "
            f"(/rewind {chosen.number} files)"
        )
    history = agent.history
    held = history[index] if index < len(history) else None
    if not isinstance(held, UserMessage) or held.content != chosen.point.text:
        raise ServiceError("the conversation no longer matches its session file: the prompt cannot be found")
    return len(history) - index


def _files_step(store: CheckpointStore | None, chosen: _Chosen, operation: op.Rewind) -> UndoStep | None:
    """The restore of the files, or None when they stay as they are."""
    if operation.restore == "conversation":
        return None
    if store is None:
        raise ServiceError(
            "checkpoints are off here ([checkpoints] enabled = false): only the conversation can be "
            f"rewound (/rewind {chosen.number} conversation)"
        )
    from vibe.checkpoints.undo import plan_rewind

    if not chosen.checkpoint_ids:
        if operation.restore == "files":
            raise ServiceError(f"no file changed from prompt {chosen.number} on: there is nothing to rewind")
        return None
    return plan_rewind(store, chosen.checkpoint_ids, force=operation.force)


def _planned(chosen: _Chosen, steps: list[RootStep], dropped: int) -> ev.RestorePlanned:
    changes, kept = combined_changes(steps)
    return ev.RestorePlanned(
        action="rewind",
        checkpoint_id=steps[0].step.target.id if steps else "",
        changes=changes,
        kept=kept,
        prompt=chosen.number,
        messages_dropped=dropped,
    )


def _restore_files(steps: list[RootStep], operation: op.Rewind) -> list[ev.AgentEvent]:
    if not steps:
        return []
    from vibe.checkpoints.undo import rewind as rewind_files

    force = operation.force
    result, restored, kept, failed = combined_result(
        steps, lambda s, step: rewind_files(s, step, force=force)
    )
    return [
        ev.CheckpointRestored(
            checkpoint_id=steps[0].step.target.id,
            action="rewind",
            restore_point_id=result.restore_point.id,
            restored=restored,
            kept=kept,
            failed=failed,
        )
    ]

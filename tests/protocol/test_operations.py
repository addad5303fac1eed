"""Operations: what a frontend submits, as JSON or as Python objects, is the same thing."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from vibe.protocol import operations as op


def test_each_operation_round_trips_through_json() -> None:
    submitted: list[op.Operation] = [
        op.Prompt(text="fix the tests"),
        op.Interrupt(),
        op.ApprovalReply(call_id="c1", approved=False, feedback="use git mv"),
        op.SetMode(mode="plan"),
        op.SetModel(name="small"),
        op.Compact(instructions="keep the failing test names"),
        op.NewConversation(),
        op.ResumeConversation(session_id="20250101-abc"),
    ]
    for operation in submitted:
        assert op.parse_operation(operation.model_dump_json()) == operation
    assert len({operation.type for operation in submitted}) == len(submitted)


@pytest.mark.parametrize(
    "data",
    [
        '{"type": "launch_missiles"}',
        '{"type": "set_mode", "mode": "yolo"}',
        '{"type": "prompt"}',
        '{"type": "interrupt", "now": true}',
    ],
)
def test_anything_else_is_refused(data: str) -> None:
    with pytest.raises(ValidationError):
        op.parse_operation(data)


def test_operations_are_frozen() -> None:
    prompt = op.Prompt(text="a")
    with pytest.raises(ValidationError):
        prompt.text = "b"  # type: ignore[misc]

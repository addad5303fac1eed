"""The count of identical failures in a row: what makes two calls the same, and what resets it."""

from __future__ import annotations

from vibe.agent.repeat_guard import STOP_AFTER, WARN_AFTER, RepeatGuard


def test_key_order_and_spacing_do_not_make_a_call_different() -> None:
    guard = RepeatGuard()
    notes = [
        guard.failed("read_file", '{"path": "a", "limit": 5}', "not found"),
        guard.failed("read_file", '{"limit":5,"path":"a"}', "not found"),
        guard.failed("read_file", '{ "path" : "a" , "limit" : 5 }', "not found"),
    ]
    assert notes[:2] == ["", ""]
    assert f"failed {WARN_AFTER} times in a row" in notes[2]


def test_a_success_another_error_or_other_arguments_start_the_count_again() -> None:
    guard = RepeatGuard()
    for interruption in (
        lambda: guard.succeeded(),
        lambda: guard.failed("read_file", '{"path": "a"}', "permission denied"),
        lambda: guard.failed("read_file", '{"path": "b"}', "not found"),
        lambda: guard.failed("grep", '{"path": "a"}', "not found"),
    ):
        for _ in range(STOP_AFTER - 1):
            guard.failed("read_file", '{"path": "a"}', "not found")
        interruption()
    assert guard.stopped is None


def test_the_fifth_identical_failure_stops_the_run() -> None:
    guard = RepeatGuard()
    for _ in range(STOP_AFTER - 1):
        guard.failed("bash", '{"command": "make"}', "exit code 2")
    assert guard.stopped is None
    guard.failed("bash", '{"command": "make"}', "exit code 2")
    assert guard.stopped is not None and "bash" in guard.stopped


def test_arguments_that_are_not_json_are_compared_as_text() -> None:
    guard = RepeatGuard()
    for _ in range(STOP_AFTER):
        guard.failed("edit", '{"path": "a", ', "malformed")
    assert guard.stopped is not None

"""The TUI's state: one plain object; what changes in it reaches every observer."""

from __future__ import annotations

from vibe.tui.state import StatusFacts, TuiState


def test_observers_see_each_change_and_the_queue_keeps_its_count_in_step() -> None:
    state = TuiState()
    seen: list[StatusFacts] = []
    state.observe(lambda current: seen.append(current.facts))
    assert seen == [StatusFacts()], "an observer is shown the state at once"
    state.update(busy=True, mode="plan")
    state.enqueue("two")
    state.enqueue("three")
    assert (state.busy, state.facts.queued, list(state.queue)) == (True, 2, ["two", "three"])
    assert state.next_queued() == "two" and state.facts.queued == 1
    assert state.take_queue() == ["three"] and state.facts.queued == 0 and not state.queue
    assert state.next_queued() is None
    assert [facts.queued for facts in seen] == [0, 0, 1, 2, 1, 0]
    assert seen[-1].mode == "plan" and seen[-1].busy

"""/compact in the terminal: the conversation is summarised by the endpoint, the screen says so,
and a resumed compacted session shows a note instead of the text written for the model."""

from __future__ import annotations

from tools.fake_mistral import reply
from tui.harness import SIZE, TuiEnv, answers, notices, send, users, wait_for, wait_idle


async def test_compact_summarises_with_the_users_focus_and_resume_shows_a_note(tui_env: TuiEnv) -> None:
    tui_env.fake.script(
        reply("Found `add` in calc.py."),
        reply("## Task\nrename add\n## Next steps\nrun the tests"),
        reply("Tests pass."),
    )
    app = tui_env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "find add")
        await wait_idle(pilot)
        await send(pilot, "/compact keep the test names")
        await wait_for(pilot, lambda: any("conversation compacted" in n for n in notices(app)))
        await wait_idle(pilot)
        summary_request = tui_env.fake.requests[1]
        assert "tools" not in summary_request.body
        assert "focus on: keep the test names" in str(summary_request.messages[-1]["content"])
        await send(pilot, "run the tests")
        await wait_idle(pilot)
        turn = tui_env.fake.requests[2].messages
        assert str(turn[1]["content"]).startswith("[conversation summary]")
        assert "find add" in str(turn[1]["content"]) and "rename add" in str(turn[1]["content"])
        assert app.conversation is not None
        session_id = app.conversation.session_id

    resumed = tui_env.app("--resume", session_id)
    async with resumed.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: any("resumed session" in n for n in notices(resumed)))
        assert "(earlier conversation summarised to fit the context window)" in notices(resumed)
        assert users(resumed) == ["run the tests"]
        assert not [u for u in users(resumed) if "[conversation summary]" in u]
        assert answers(resumed) == ["Found `add` in calc.py.", "Tests pass."]
        assert not [a for a in answers(resumed) if a.startswith("Understood")]

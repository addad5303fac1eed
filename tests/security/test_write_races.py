"""Class 3, race-free writes: a folder swapped for a symlink while the user reads the approval
cannot redirect the approved write into `.git` (the real TUI, the real endpoint, real files)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tools.fake_mistral import FakeMistral, call, reply
from tui.harness import SIZE, make_env, send, wait_for, wait_idle
from vibe.tui.approval import ApprovalScreen


async def test_a_folder_swapped_while_the_approval_is_shown_does_not_redirect_the_write(
    tmp_path: Path, fake_mistral: FakeMistral
) -> None:
    env = make_env(tmp_path, fake_mistral, {"scripts/README": "tools\n"})
    env.ask_mode()
    hooks = env.repo / ".git" / "hooks"
    before = sorted(path.name for path in hooks.iterdir())
    fake_mistral.script(
        reply(
            tool_calls=[call("write_file", {"path": "scripts/pre-commit", "content": "#!/bin/sh\nevil\n"})]
        ),
        reply("ok"),
    )
    app = env.app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "add a script")
        await wait_for(pilot, lambda: isinstance(app.screen, ApprovalScreen))
        # The user is shown `scripts/pre-commit`; meanwhile something swaps the folder.
        shutil.rmtree(env.repo / "scripts")
        (env.repo / "scripts").symlink_to(hooks, target_is_directory=True)
        await pilot.press("1")
        await wait_idle(pilot)
    assert sorted(path.name for path in hooks.iterdir()) == before
    told = fake_mistral.requests[1].tool_results[0]
    assert "a folder on the way is now a symbolic link" in told and "nothing was written" in told

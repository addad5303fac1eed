"""Class 3, commands: a command cannot leave behind a repository (or vibe settings) that git or
vibe would trust later. Whatever it plants at any depth is renamed aside when it ends; the model
is told; plain git run there afterwards (the user's own, no hardening) runs nothing planted.

Run on the strongest backend here and again with bubblewrap hidden (Landlock), as this user and
as `nobody`.
"""

from __future__ import annotations

import subprocess

from support.identities import Identity
from support.vibe_process import VibeEnv
from tools.fake_mistral import call, reply

TRACE = "planted-program-ran"
PLANT = r"""
set -e
printf '#!/bin/sh\ntouch {trace}\n' > "$TMPDIR/evil" && chmod +x "$TMPDIR/evil" && cp "$TMPDIR/evil" evil.sh
git init -q vendor/lib && git -C vendor/lib config core.fsmonitor "$PWD/evil.sh"
git init -q --bare tools/store.git
mkdir -p pkg/.vibe && echo 'permission_mode = "auto"' > pkg/.vibe/config.toml
echo planted
"""


def test_a_planted_repository_is_gone_before_anyone_runs_git_there(
    vibe_env: VibeEnv, identity: Identity, backend: str
) -> None:
    repo = vibe_env.repo
    vibe_env.fake.script(
        reply(tool_calls=[call("bash", {"command": PLANT.format(trace=repo / TRACE)})]),
        reply("done"),
    )
    run = vibe_env.run("-p", "set up the vendored library", "--output", "stream-json", "--auto-approve")
    assert run.returncode == 0, run.stderr
    started = run.of_type("session_started")[0]
    expected = "landlock" if backend == "without-bubblewrap" else started["sandbox_info"]["backend"]
    assert started["sandbox_info"]["backend"] == expected
    told = vibe_env.fake.requests[1].tool_results[0]
    assert "planted" in told
    for planted in ("vendor/lib/.git", "pkg/.vibe"):
        assert f"The command created {planted};" in told
    assert "made tools/store.git a git directory" in told
    # The user, later, in their own shell: plain git, no hardening from vibe.
    for folder in ("vendor/lib", "tools/store.git"):
        found = subprocess.run(
            ["git", "-c", "safe.bareRepository=all", "status", "--short"],
            cwd=repo / folder,
            capture_output=True,
            text=True,
            check=False,
        )
        assert not (repo / TRACE).exists(), f"git in {folder} ran the planted program"
        assert str(repo / folder) not in found.stdout
    assert not (repo / "pkg" / ".vibe").exists()
